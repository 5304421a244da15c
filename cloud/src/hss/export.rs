//! Exports (§2.1–§2.5): create, follow, download.

use bytes::Bytes;
use futures_util::Stream;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Op;
use crate::validate::{opt_text, path_id, range, text, wire_enum};
use crate::{Caller, CloudClient, CloudError, Result, Service};

wire_enum! {
    /// The 16 columns the container export knows.
    ExportHeaderKey {
        ContainerId => "container_id", ContainerName => "container_name", ImageName => "image_name",
        PodName => "pod_name", ClusterName => "cluster_name", ClusterType => "cluster_type", Status => "status",
        Risky => "risky", LowRisk => "low_risk", MediumRisk => "medium_risk", HighRisk => "high_risk",
        FatalRisk => "fatal_risk", CreateTime => "create_time", RestartCount => "restart_count",
        CpuLimit => "cpu_limit", MemoryLimit => "memory_limit",
    }
}
wire_enum! {
    ExportClusterType {
        Cce => "cce", Ali => "ali", Tencent => "tencent", Azure => "azure", Aws => "aws",
        SelfBuiltHw => "self_built_hw", SelfBuiltIdc => "self_built_idc",
    }
}
wire_enum! {
    ContainerStatus { Running => "Running", Waiting => "Waiting", Terminated => "Terminated", Isolated => "Isolated", Paused => "Paused" }
}
wire_enum! {
    VulType { LinuxVul => "linux_vul", AppVul => "app_vul" }
}
wire_enum! {
    HandleStatus { Unhandled => "unhandled", Handled => "handled" }
}
wire_enum! {
    ImageScanStatus {
        Unscan => "unscan", Success => "success", Scanning => "scanning", Failed => "failed",
        DownloadFailed => "download_failed", ImageOversized => "image_oversized",
        WaitingForScan => "waiting_for_scan", ImageScanStop => "image_scan_stop",
    }
}
wire_enum! {
    ExportTaskStatus { Running => "running", Success => "success", Failure => "failure" }
}

pub const MAX_EXPORT_SIZE: i64 = 100_000;

/// A time range in epoch milliseconds (the unit is undocumented for this API; HSS uses
/// milliseconds everywhere else, and so do we).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TimeRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
}

/// The container export (§2.1): which columns, under which titles, and which containers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContainerExport {
    #[serde(skip)]
    pub export_size: Option<i64>,
    /// `[key, title]` pairs in column order.
    pub export_headers: Vec<(ExportHeaderKey, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_container: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_type: Option<ExportClusterType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ContainerStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risky: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<TimeRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
}

impl ContainerExport {
    pub fn validate(&self) -> Result<()> {
        if let Some(n) = self.export_size {
            range("export_size", n, 1, MAX_EXPORT_SIZE)?;
        }
        if self.export_headers.is_empty() {
            return Err(CloudError::invalid("export_headers", "choose at least one column"));
        }
        for (i, (key, title)) in self.export_headers.iter().enumerate() {
            if self.export_headers[..i].iter().any(|(k, _)| k == key) {
                return Err(CloudError::invalid("export_headers", format!("column {key} is chosen twice")));
            }
            text("export_headers", title, 1, 64)?;
        }
        opt_text("cluster_name", self.cluster_name.as_deref(), 1, 255)?;
        opt_text("container_name", self.container_name.as_deref(), 1, 255)?;
        opt_text("pod_name", self.pod_name.as_deref(), 1, 512)?;
        opt_text("image_name", self.image_name.as_deref(), 1, 255)?;
        opt_text("cpu_limit", self.cpu_limit.as_deref(), 0, 64)?;
        opt_text("memory_limit", self.memory_limit.as_deref(), 0, 64)?;
        if let Some(TimeRange { start_time: Some(a), end_time: Some(b) }) = &self.create_time {
            if a > b {
                return Err(CloudError::invalid("create_time", "the start must not be after the end"));
            }
        }
        Ok(())
    }
}

/// The local-image vulnerability export (§2.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LocalVulExport {
    /// Required by the API; 1–100000 (an emulator choice: the reference gives no range).
    #[serde(skip)]
    pub export_size: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_id_list: Vec<String>,
    pub operate_all: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vul_type: Option<VulType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle_status: Option<HandleStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_status: Option<ImageScanStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_latest_update_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_latest_update_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_latest_scan_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_latest_scan_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_container: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vul_id_list: Vec<String>,
}

impl LocalVulExport {
    pub fn validate(&self) -> Result<()> {
        range("export_size", self.export_size, 1, MAX_EXPORT_SIZE)?;
        if !self.operate_all && self.image_id_list.is_empty() {
            return Err(CloudError::invalid(
                "image_id_list",
                "choose at least one image, or export all that match",
            ));
        }
        range("image_id_list", self.image_id_list.len() as i64, 0, 1000)?;
        opt_text("image_name", self.image_name.as_deref(), 1, 255)?;
        opt_text("image_version", self.image_version.as_deref(), 1, 64)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalVulExportStarted {
    #[serde(default)]
    pub record_total_num: i64,
    pub task_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportTaskState {
    pub task_id: String,
    #[serde(default)]
    pub task_name: String,
    pub task_status: ExportTaskStatus,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
}

/// A download in progress: the cloud's file name and size, and the body as a stream.
pub struct Download {
    pub file_name: Option<String>,
    pub content_length: Option<u64>,
    pub body: std::pin::Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
}

impl CloudClient {
    /// `POST /v5/{project_id}/container/export-task`. Never retried.
    pub async fn hss_export_containers(
        &self,
        caller: &Caller,
        export: &ContainerExport,
    ) -> Result<super::TaskId> {
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
        // No whole-request timeout: a large file may take long; the connect timeout still holds.
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

    #[test]
    fn container_export_needs_columns_and_bounds() {
        let mut e = ContainerExport::default();
        assert!(matches!(e.validate(), Err(CloudError::Invalid { field: "export_headers", .. })));
        e.export_headers = vec![(ExportHeaderKey::ContainerName, "Name".into())];
        assert!(e.validate().is_ok());
        e.export_size = Some(100_001);
        assert!(matches!(e.validate(), Err(CloudError::Invalid { field: "export_size", .. })));
        e.export_size = Some(5);
        e.export_headers.push((ExportHeaderKey::ContainerName, "Again".into()));
        assert!(e.validate().is_err(), "a column twice");
    }

    #[test]
    fn headers_serialise_as_pairs() {
        let e = ContainerExport {
            export_headers: vec![(ExportHeaderKey::Status, "State".into())],
            risky: Some(true),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"export_headers": [["status", "State"]], "risky": true})
        );
    }
}
