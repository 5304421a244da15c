//! Exports (§2.1–§2.5): create, follow, download.

use bytes::Bytes;
use futures_util::Stream;
use reqwest::Method;

use super::{ContainerExport, ExportTaskState, LocalVulExport, LocalVulExportStarted, TaskId};
use crate::client::Op;
use crate::model::path_id;
use crate::{Caller, CloudClient, Result, Service};

/// A download in progress: the cloud's file name and size, and the body as a stream.
pub struct Download {
    pub file_name: Option<String>,
    pub content_length: Option<u64>,
    pub body: std::pin::Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
}

impl CloudClient {
    /// `POST /v5/{project_id}/container/export-task`. Never retried.
    pub async fn hss_export_containers(&self, caller: &Caller, export: &ContainerExport) -> Result<TaskId> {
        export.validate()?;
        let path = Self::project_path(caller, "v5", "/container/export-task")?;
        let mut req = self.request(Method::POST, Service::Hss, &caller.region, &path)?.json(export);
        if let Some(n) = export.export_size {
            req = req.query(&[("export_size", n)]);
        }
        let resp = self.call(Op::write(Service::Hss, "hss_export_containers"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `POST /v5/{project_id}/image/local-vulnerability/export`. Never retried.
    pub async fn hss_export_local_vulnerabilities(
        &self,
        caller: &Caller,
        export: &LocalVulExport,
    ) -> Result<LocalVulExportStarted> {
        export.validate()?;
        let path = Self::project_path(caller, "v5", "/image/local-vulnerability/export")?;
        let req = self
            .request(Method::POST, Service::Hss, &caller.region, &path)?
            .query(&[("export_size", export.export_size)])
            .json(export);
        let resp =
            self.call(Op::write(Service::Hss, "hss_export_local_vulnerabilities"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `GET /v5/{project_id}/export-task/{task_id}`.
    pub async fn hss_export_status(&self, caller: &Caller, task_id: &str) -> Result<ExportTaskState> {
        let task_id = path_id("task_id", task_id)?;
        let path = Self::project_path(caller, "v5", &format!("/export-task/{task_id}"))?;
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?;
        let resp = self.call(Op::read(Service::Hss, "hss_export_status"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `GET /v5/{project_id}/download/{file_id}`: the file as a stream, never held whole.
    pub async fn hss_download(&self, caller: &Caller, file_id: &str) -> Result<Download> {
        let file_id = path_id("file_id", file_id)?;
        let path = Self::project_path(caller, "v5", &format!("/download/{file_id}"))?;
        // No whole-request timeout: a large file may take long; the connect timeout and the
        // client's read timeout (silence) still hold.
        let req = self.request_streaming(Method::GET, Service::Hss, &caller.region, &path)?;
        let resp = self.call(Op::read(Service::Hss, "hss_download"), caller, req).await?;
        let file_name = resp
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(disposition_file_name);
        Ok(Download { file_name, content_length: resp.content_length(), body: Box::pin(resp.bytes_stream()) })
    }
}

/// `attachment; filename="x.zip"` → `x.zip` (path parts removed).
fn disposition_file_name(v: &str) -> Option<String> {
    let raw = v.split(';').map(str::trim).find_map(|p| p.strip_prefix("filename="))?;
    let name = raw.trim_matches('"');
    let name = name.rsplit(['/', '\\']).next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_from_content_disposition() {
        assert_eq!(disposition_file_name("attachment; filename=\"hss.zip\"").as_deref(), Some("hss.zip"));
        assert_eq!(disposition_file_name("attachment; filename=../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(disposition_file_name("inline").as_deref(), None);
    }
}
