//! DSC, whose hosts are named `sdg` (API reference §4): scan jobs, security levels, export
//! buckets, classification results and their export.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::Op;
use crate::hss::Download;
use crate::validate::{opt_text, path_id, range, wire_enum};
use crate::{Caller, CloudClient, CloudError, Result, Service};

wire_enum! {
    ScanJobStatus {
        Init => "INIT", Waiting => "WAITING", Running => "RUNNING", Failed => "FAILED", Stopped => "STOPPED",
        Finished => "FINISHED", Terminated => "TERMINATED",
    }
}
wire_enum! {
    AssetType { Database => "DATABASE", Obs => "OBS", Bigdata => "BIGDATA" }
}

/// Export status. Only FINISHED is documented; anything else the service says is kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ExportStatus {
    Running,
    Finished,
    Failed,
    Other(String),
}

impl From<String> for ExportStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "RUNNING" | "WAITING" | "INIT" => ExportStatus::Running,
            "FINISHED" | "SUCCESS" => ExportStatus::Finished,
            "FAILED" | "FAILURE" | "STOPPED" | "TERMINATED" => ExportStatus::Failed,
            _ => ExportStatus::Other(s),
        }
    }
}

impl From<ExportStatus> for String {
    fn from(s: ExportStatus) -> String {
        match s {
            ExportStatus::Running => "RUNNING".into(),
            ExportStatus::Finished => "FINISHED".into(),
            ExportStatus::Failed => "FAILED".into(),
            ExportStatus::Other(o) => o,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanJob {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub cycle: String,
    pub status: Option<ScanJobStatus>,
    #[serde(default)]
    pub last_run_time: i64,
    #[serde(default)]
    pub create_time: i64,
    #[serde(default)]
    pub security_level_name: String,
    #[serde(default)]
    pub security_level_color: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanJobList {
    #[serde(default)]
    pub tasks: Vec<ScanJob>,
    #[serde(default)]
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSecurityLevel {
    pub security_level_id: String,
    pub security_level_name: String,
    #[serde(default)]
    pub security_level_color: i64,
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub percent: f64,
}

#[derive(Deserialize)]
struct JobLevels {
    #[serde(default)]
    security_level_list: Vec<JobSecurityLevel>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportBucket {
    pub bucket_name: String,
    #[serde(default)]
    pub asset_name: String,
    #[serde(default)]
    pub bucket_location: String,
    #[serde(default)]
    pub is_deleted: bool,
}

#[derive(Deserialize)]
struct Buckets {
    #[serde(default)]
    buckets: Vec<ExportBucket>,
}

/// Filters shared by the result list, the per-job levels and the export.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ResultFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_type: Option<AssetType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_level_ids: Vec<String>,
}

impl ResultFilter {
    fn validate(&self) -> Result<()> {
        opt_text("keyword", self.keyword.as_deref(), 1, 255)?;
        opt_text("asset_id", self.asset_id.as_deref(), 1, 128)?;
        range("security_level_ids", self.security_level_ids.len() as i64, 0, 100)
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(k) = &self.keyword {
            q.push(("keyword", k.clone()));
        }
        if let Some(t) = self.asset_type {
            q.push(("asset_type", t.as_str().to_string()));
        }
        if let Some(a) = &self.asset_id {
            q.push(("asset_id", a.clone()));
        }
        for id in &self.security_level_ids {
            q.push(("security_level_ids", id.clone()));
        }
        q
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchedExample {
    #[serde(default)]
    pub line_number: i64,
    #[serde(default)]
    pub matched_content: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchInfo {
    #[serde(default)]
    pub rule_name: String,
    #[serde(default)]
    pub classification_name: String,
    #[serde(default)]
    pub matched_examples: Vec<MatchedExample>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub id: String,
    #[serde(default)]
    pub asset_name: String,
    #[serde(default)]
    pub asset_type: String,
    #[serde(default)]
    pub object_full_path: String,
    #[serde(default)]
    pub security_level_name: String,
    #[serde(default)]
    pub security_level_id: String,
    #[serde(default)]
    pub security_level_color: i64,
    #[serde(default)]
    pub scan_time: i64,
    #[serde(default)]
    pub match_info: Vec<MatchInfo>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassificationList {
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub classification_list: Vec<Classification>,
}

/// The export's body; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ResultExport {
    #[serde(flatten)]
    pub filter: ResultFilter,
    /// The OBS bucket that stores the file (one of [`CloudClient::dsc_export_buckets`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_bucket_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask: Option<bool>,
    /// Epoch milliseconds (the unit is undocumented; we choose HSS's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportState {
    pub status: ExportStatus,
    #[serde(default)]
    pub job_name: String,
    #[serde(default)]
    pub asset_type: String,
    #[serde(default)]
    pub asset_name: String,
    #[serde(default)]
    pub bucket_name: String,
    #[serde(default)]
    pub file_name: String,
    /// A string in the docs; kept as sent.
    #[serde(default, deserialize_with = "string_or_number")]
    pub start_time: String,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
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

    /// `POST …/classification-results/export-tasks`. The docs list both 200 and 201; either is
    /// success. Never retried.
    pub async fn dsc_create_export(
        &self,
        caller: &Caller,
        job_id: &str,
        export: &ResultExport,
    ) -> Result<ExportState> {
        export.filter.validate()?;
        opt_text("bucket_name", export.bucket_name.as_deref(), 1, 255)?;
        opt_text("database_name", export.database_name.as_deref(), 1, 255)?;
        opt_text("table_name", export.table_name.as_deref(), 1, 255)?;
        let path = job_path(caller, job_id, "/classification-results/export-tasks")?;
        let req = self.request(Method::POST, Service::Dsc, &caller.region, &path)?.json(export);
        let resp = self.call(Op::write(Service::Dsc, "dsc_create_export"), caller, req).await?;
        Self::json(Service::Dsc, resp).await
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
        let url = Url::parse(url).map_err(|_| CloudError::invalid("url", "not a URL"))?;
        let endpoint = self.endpoints().base(Service::Dsc, &caller.region)?;
        let same_as_endpoint = url.scheme() == endpoint.scheme()
            && url.host_str() == endpoint.host_str()
            && url.port_or_known_default() == endpoint.port_or_known_default();
        let huawei = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| h.ends_with(".myhuaweicloud.com") || h.ends_with(".myhuaweicloud.eu"));
        if !same_as_endpoint && !huawei {
            return Err(CloudError::invalid("url", "the download URL is not on a Huawei Cloud host"));
        }
        let file_name =
            url.path_segments().and_then(|s| s.last()).filter(|s| !s.is_empty()).map(str::to_string);
        let resp = self.raw_get(Service::Dsc, url).await?;
        Ok(Download { file_name, content_length: resp.content_length(), body: Box::pin(resp.bytes_stream()) })
    }
}
