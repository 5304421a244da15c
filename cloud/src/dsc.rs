//! DSC calls; its hosts are named `sdg` (API reference §4). The types are
//! [`crate::model::dsc`]'s, re-exported here.

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use crate::client::Op;
use crate::hss::Download;
pub use crate::model::dsc::*;
use crate::model::{opt_text, path_id, range, Rule};
use crate::{Caller, CloudClient, CloudError, Result, Service};

#[derive(Deserialize)]
struct JobLevels {
    #[serde(default)]
    security_level_list: Vec<JobSecurityLevel>,
}

#[derive(Deserialize)]
struct Buckets {
    #[serde(default)]
    buckets: Vec<ExportBucket>,
}

#[derive(Deserialize)]
struct UrlAnswer {
    url: String,
}

fn job_path(caller: &Caller, job_id: &str, rest: &str) -> Result<String> {
    let id = path_id("job_id", job_id)?;
    CloudClient::project_path(caller, "v1", &format!("/scan-jobs/{id}{rest}"))
}

impl CloudClient {
    async fn dsc_get<T: serde::de::DeserializeOwned>(
        &self,
        op: &'static str,
        caller: &Caller,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let req = self.request(Method::GET, Service::Dsc, &caller.region, path)?.query(query);
        let resp = self.call(Op::read(Service::Dsc, op), caller, req).await?;
        Self::json(Service::Dsc, resp).await
    }

    /// `GET /v1/{project_id}/sdg/scan/job`. `page` counts pages from 0 (the docs call `offset` a
    /// page number); `limit` 1–1000 (the maximum is undocumented).
    pub async fn dsc_scan_jobs(
        &self,
        caller: &Caller,
        page: i64,
        limit: i64,
        name: Option<&str>,
    ) -> Result<ScanJobList> {
        range("offset", page, 0, 100_000)?;
        range("limit", limit, 1, 1000)?;
        opt_text("content", name, 1, 255)?;
        let path = Self::project_path(caller, "v1", "/sdg/scan/job")?;
        let mut q = vec![("offset", page.to_string()), ("limit", limit.to_string())];
        if let Some(n) = name {
            q.push(("content", n.to_string()));
        }
        self.dsc_get("dsc_scan_jobs", caller, &path, &q).await
    }

    /// `GET /v1/{project_id}/scan-jobs/{job_id}/security-levels`: the levels found by a job.
    pub async fn dsc_job_security_levels(
        &self,
        caller: &Caller,
        job_id: &str,
    ) -> Result<Vec<JobSecurityLevel>> {
        let path = job_path(caller, job_id, "/security-levels")?;
        Ok(self
            .dsc_get::<JobLevels>("dsc_job_security_levels", caller, &path, &[])
            .await?
            .security_level_list)
    }

    /// `GET /v1/{project_id}/scan-jobs/buckets-for-export`.
    pub async fn dsc_export_buckets(&self, caller: &Caller) -> Result<Vec<ExportBucket>> {
        let path = Self::project_path(caller, "v1", "/scan-jobs/buckets-for-export")?;
        Ok(self.dsc_get::<Buckets>("dsc_export_buckets", caller, &path, &[]).await?.buckets)
    }

    /// `GET /v1/{project_id}/scan-jobs/{job_id}/classification-results` (row offset).
    pub async fn dsc_classification_results(
        &self,
        caller: &Caller,
        job_id: &str,
        filter: &ResultFilter,
        offset: i64,
        limit: i64,
    ) -> Result<ClassificationList> {
        filter.validate()?;
        range("offset", offset, 0, 1_000_000)?;
        range("limit", limit, 1, 1000)?;
        let path = job_path(caller, job_id, "/classification-results")?;
        let mut q = filter.query();
        q.push(("offset", offset.to_string()));
        q.push(("limit", limit.to_string()));
        self.dsc_get("dsc_classification_results", caller, &path, &q).await
    }

    /// `POST …/classification-results/export-tasks`: the export's state, or `None` when the
    /// service answered 2xx with an empty body. Never retried.
    pub async fn dsc_create_export(
        &self,
        caller: &Caller,
        job_id: &str,
        export: &ResultExport,
    ) -> Result<Option<ExportState>> {
        export.validate()?;
        let path = job_path(caller, job_id, "/classification-results/export-tasks")?;
        let req = self.request(Method::POST, Service::Dsc, &caller.region, &path)?.json(export);
        let resp = self.call(Op::write(Service::Dsc, "dsc_create_export"), caller, req).await?;
        // The docs list 200 with the export's state and 201 "created"; a 2xx with no body is
        // success too, and the status call tells the rest.
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| CloudError::Transport { service: "dsc", message: e.to_string() })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CloudError::Decode { service: "dsc", message: e.to_string() })
    }

    /// `GET …/classification-results/export/status`.
    pub async fn dsc_export_status(&self, caller: &Caller, job_id: &str) -> Result<ExportState> {
        let path = job_path(caller, job_id, "/classification-results/export/status")?;
        self.dsc_get("dsc_export_status", caller, &path, &[]).await
    }

    /// `POST …/classification-results/export/download` with `{}`: a URL to the XLSX.
    pub async fn dsc_download_url(&self, caller: &Caller, job_id: &str) -> Result<String> {
        let path = job_path(caller, job_id, "/classification-results/export/download")?;
        let req =
            self.request(Method::POST, Service::Dsc, &caller.region, &path)?.json(&serde_json::json!({}));
        let resp = self.call(Op::read(Service::Dsc, "dsc_download_url"), caller, req).await?;
        Ok(Self::json::<UrlAnswer>(Service::Dsc, resp).await?.url)
    }

    /// Streams the file behind a download URL. Only URLs on Huawei Cloud hosts (over https) or
    /// on the configured DSC endpoint are fetched, so a URL in an answer cannot make the portal
    /// call anywhere else. No credentials are sent: the URL carries its own authorisation.
    pub async fn dsc_fetch_export(&self, caller: &Caller, url: &str) -> Result<Download> {
        let url = Url::parse(url).map_err(|_| CloudError::invalid("url", Rule::ForeignUrl))?;
        let endpoint = self.endpoints().base(Service::Dsc, &caller.region)?;
        let same_as_endpoint = url.scheme() == endpoint.scheme()
            && url.host_str() == endpoint.host_str()
            && url.port_or_known_default() == endpoint.port_or_known_default();
        let huawei = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| h.ends_with(".myhuaweicloud.com") || h.ends_with(".myhuaweicloud.eu"));
        if !same_as_endpoint && !huawei {
            return Err(CloudError::invalid("url", Rule::ForeignUrl));
        }
        let file_name =
            url.path_segments().and_then(|s| s.last()).filter(|s| !s.is_empty()).map(str::to_string);
        let resp = self.raw_get(Service::Dsc, url).await?;
        Ok(Download { file_name, content_length: resp.content_length(), body: Box::pin(resp.bytes_stream()) })
    }
}
