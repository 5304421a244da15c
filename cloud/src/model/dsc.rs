//! DSC (API reference §4): scan jobs, security levels, export buckets, classification results
//! and their export.

use serde::{Deserialize, Serialize};

use super::Seen;
use super::{count, opt_text, time_range, Result};
use crate::wire_enum;

wire_enum! {
    ScanJobStatus {
        Init => "INIT", Waiting => "WAITING", Running => "RUNNING", Failed => "FAILED", Stopped => "STOPPED",
        Finished => "FINISHED", Terminated => "TERMINATED",
    }
}
wire_enum! {
    /// The API says only "such as OBS and DATABASE"; these are the values DSC's asset pages use
    /// (API reference §4.8). `ALL` means every type.
    AssetType {
        Database => "DATABASE", Obs => "OBS", Bigdata => "BIGDATA", Mrs => "MRS", MrsHive => "MRS_HIVE",
        Lts => "LTS", Git => "GIT", Unknown => "UNKNOWN", All => "ALL",
    }
}

/// Security levels one export or result query may name (undocumented; our choice).
pub const MAX_LEVELS: usize = 100;

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
    pub status: Option<Seen<ScanJobStatus>>,
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
    pub fn validate(&self) -> Result<()> {
        opt_text("keyword", self.keyword.as_deref(), 1, 255)?;
        opt_text("asset_id", self.asset_id.as_deref(), 1, 128)?;
        count("security_level_ids", self.security_level_ids.len(), 0, MAX_LEVELS)
    }

    /// The filter as query parameters of the result list.
    pub fn query(&self) -> Vec<(&'static str, String)> {
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
    pub asset_id: String,
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
    /// The OBS bucket that stores the file (one of the buckets-for-export).
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
    /// The order of the rows by scan time. The API names the field without its values; we
    /// send HSS's words, `asc` and `desc`, and leave it out for the cloud's own order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<super::hss::SortDir>,
}

impl ResultExport {
    pub fn validate(&self) -> Result<()> {
        self.filter.validate()?;
        opt_text("bucket_name", self.bucket_name.as_deref(), 1, 255)?;
        opt_text("database_name", self.database_name.as_deref(), 1, 255)?;
        opt_text("table_name", self.table_name.as_deref(), 1, 255)?;
        opt_text("filter_bucket_name", self.filter_bucket_name.as_deref(), 1, 255)?;
        time_range("start_time", self.start_time, None)
    }
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
