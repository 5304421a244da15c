//! The three export forms as the pages and server functions exchange them, and the one set of
//! rules both sides check them by (the browser before sending, the server again on arrival).
//! Bounds and enums are the API reference's (§2.1, §2.2, §4.1); where it gives none, the choice
//! is written next to the constant.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// `export_size` for both HSS exports: 1 to 100000 (§2.1; the local-image export documents no
/// range, and we use the same one).
pub const MAX_EXPORT_SIZE: i64 = 100_000;
/// Column titles: 1 to 64 characters (the API says "free text"; a spreadsheet title longer than
/// that helps nobody).
pub const MAX_TITLE: usize = 64;
/// Images one export may name (the API documents no limit).
pub const MAX_IMAGES: usize = 1000;
/// Security levels one DSC export may name (no documented limit).
pub const MAX_LEVELS: usize = 100;

/// The 16 column keys of the container export, with the title the picker offers first.
pub const HEADER_KEYS: &[(&str, &str)] = &[
    ("container_id", "Container ID"),
    ("container_name", "Container name"),
    ("image_name", "Image"),
    ("pod_name", "Pod"),
    ("cluster_name", "Cluster"),
    ("cluster_type", "Cluster type"),
    ("status", "Status"),
    ("risky", "Risky"),
    ("low_risk", "Low risks"),
    ("medium_risk", "Medium risks"),
    ("high_risk", "High risks"),
    ("fatal_risk", "Critical risks"),
    ("create_time", "Created"),
    ("restart_count", "Restarts"),
    ("cpu_limit", "CPU limit"),
    ("memory_limit", "Memory limit"),
];

/// Columns a first-time user starts with.
pub const DEFAULT_COLUMNS: &[&str] = &["container_name", "cluster_name", "image_name", "status", "risky"];

pub const CLUSTER_TYPES: &[(&str, &str)] = &[
    ("cce", "CCE"),
    ("ali", "Alibaba Cloud"),
    ("tencent", "Tencent Cloud"),
    ("azure", "Azure"),
    ("aws", "AWS"),
    ("self_built_hw", "Self-built on Huawei Cloud"),
    ("self_built_idc", "On-premises data centre"),
];
pub const CONTAINER_STATUSES: &[(&str, &str)] = &[
    ("Running", "Running"),
    ("Waiting", "Waiting"),
    ("Terminated", "Terminated"),
    ("Isolated", "Isolated"),
    ("Paused", "Paused"),
];
pub const VUL_TYPES: &[(&str, &str)] = &[("linux_vul", "Operating system"), ("app_vul", "Application")];
pub const HANDLE_STATUSES: &[(&str, &str)] = &[("unhandled", "Unhandled"), ("handled", "Handled")];
pub const SCAN_STATUSES: &[(&str, &str)] = &[
    ("unscan", "Not scanned"),
    ("success", "Scanned"),
    ("scanning", "Scanning"),
    ("failed", "Scan failed"),
    ("download_failed", "Download failed"),
    ("image_oversized", "Image too large"),
    ("waiting_for_scan", "Waiting for scan"),
    ("image_scan_stop", "Scan stopped"),
];
pub const ASSET_TYPES: &[(&str, &str)] = &[("DATABASE", "Database"), ("OBS", "OBS"), ("BIGDATA", "Big data")];

/// The label of `value` in one of the option lists above.
pub fn label(options: &[(&'static str, &'static str)], value: &str) -> &'static str {
    options.iter().find(|(v, _)| *v == value).map(|(_, l)| *l).unwrap_or("")
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub title: String,
}

/// The container export (§2.1). Times are epoch milliseconds; `None` leaves a filter out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerExportInput {
    pub export_size: Option<i64>,
    pub columns: Vec<Column>,
    pub cluster_container: Option<bool>,
    pub cluster_type: Option<String>,
    pub cluster_name: Option<String>,
    pub container_name: Option<String>,
    pub pod_name: Option<String>,
    pub image_name: Option<String>,
    pub status: Option<String>,
    pub risky: Option<bool>,
    pub create_start: Option<i64>,
    pub create_end: Option<i64>,
    pub cpu_limit: Option<String>,
    pub memory_limit: Option<String>,
}

/// The local-image vulnerability export (§2.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalVulExportInput {
    pub export_size: i64,
    /// Chosen images; ignored when `operate_all`.
    pub image_ids: Vec<String>,
    pub operate_all: bool,
    pub vul_type: Option<String>,
    pub handle_status: Option<String>,
    pub scan_status: Option<String>,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    pub has_container: Option<bool>,
    pub update_start: Option<i64>,
    pub update_end: Option<i64>,
    pub scan_start: Option<i64>,
    pub scan_end: Option<i64>,
    /// Vulnerability ids (CVE or vendor ids) to restrict the export to.
    pub vul_ids: Vec<String>,
}

/// The DSC classification-result export (§4.1). `sort` is left out: its values are unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DscExportInput {
    pub job_id: String,
    pub security_level_ids: Vec<String>,
    /// The bucket that stores the file.
    pub bucket_name: Option<String>,
    pub keyword: Option<String>,
    pub asset_type: Option<String>,
    pub asset_id: Option<String>,
    pub database_name: Option<String>,
    pub table_name: Option<String>,
    pub filter_bucket_name: Option<String>,
    pub mask: bool,
    pub start_time: Option<i64>,
}

fn err(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message)
}

fn text(field: &str, value: &Option<String>, min: usize, max: usize) -> Result<(), AppError> {
    match value {
        Some(v) if !(min..=max).contains(&v.chars().count()) => {
            Err(err(field, format!("{min} to {max} characters")))
        }
        _ => Ok(()),
    }
}

fn one_of(field: &str, value: &Option<String>, options: &[(&str, &str)]) -> Result<(), AppError> {
    match value {
        Some(v) if !options.iter().any(|(o, _)| o == v) => Err(err(
            field,
            format!("one of {}", options.iter().map(|(o, _)| *o).collect::<Vec<_>>().join(", ")),
        )),
        _ => Ok(()),
    }
}

fn export_size(value: i64) -> Result<(), AppError> {
    if (1..=MAX_EXPORT_SIZE).contains(&value) {
        Ok(())
    } else {
        Err(err("export_size", format!("a whole number from 1 to {MAX_EXPORT_SIZE}")))
    }
}

fn ordered(field: &str, start: Option<i64>, end: Option<i64>) -> Result<(), AppError> {
    for v in [start, end].into_iter().flatten() {
        if v < 0 {
            return Err(err(field, "a date after 1970"));
        }
    }
    match (start, end) {
        (Some(a), Some(b)) if a > b => Err(err(field, "the start must not be after the end")),
        _ => Ok(()),
    }
}

/// Empty text means "no filter": trims and drops blanks so both sides agree.
pub fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl ContainerExportInput {
    /// Trims text filters and drops empty ones.
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.cluster_type,
            &mut self.cluster_name,
            &mut self.container_name,
            &mut self.pod_name,
            &mut self.image_name,
            &mut self.status,
            &mut self.cpu_limit,
            &mut self.memory_limit,
        ] {
            *f = blank_to_none(f.take());
        }
        for c in &mut self.columns {
            c.title = c.title.trim().to_string();
        }
        self
    }

    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(n) = self.export_size {
            export_size(n)?;
        }
        if self.columns.is_empty() {
            return Err(err("columns", "choose at least one column"));
        }
        for (i, c) in self.columns.iter().enumerate() {
            if !HEADER_KEYS.iter().any(|(k, _)| *k == c.key) {
                return Err(err("columns", format!("{} is not a column of this export", c.key)));
            }
            if self.columns[..i].iter().any(|o| o.key == c.key) {
                return Err(err("columns", format!("{} is chosen twice", c.key)));
            }
            let n = c.title.chars().count();
            if n == 0 || n > MAX_TITLE {
                return Err(err(
                    "columns",
                    format!("the title of {} must be 1 to {MAX_TITLE} characters", c.key),
                ));
            }
        }
        one_of("cluster_type", &self.cluster_type, CLUSTER_TYPES)?;
        text("cluster_name", &self.cluster_name, 1, 255)?;
        text("container_name", &self.container_name, 1, 255)?;
        text("pod_name", &self.pod_name, 1, 512)?;
        text("image_name", &self.image_name, 1, 255)?;
        one_of("status", &self.status, CONTAINER_STATUSES)?;
        ordered("create_time", self.create_start, self.create_end)?;
        text("cpu_limit", &self.cpu_limit, 0, 64)?;
        text("memory_limit", &self.memory_limit, 0, 64)
    }

    /// "5 columns · Running · cluster prod" for the history list.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} columns", self.columns.len())];
        parts.extend(self.status.clone());
        parts.extend(self.cluster_name.as_ref().map(|c| format!("cluster {c}")));
        parts.extend(self.cluster_type.as_ref().map(|t| label(CLUSTER_TYPES, t).to_string()));
        parts.extend(self.risky.map(|r| if r { "risky only" } else { "clean only" }.to_string()));
        parts.extend(self.export_size.map(|n| format!("up to {n}")));
        parts.join(" · ")
    }
}

impl LocalVulExportInput {
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.vul_type,
            &mut self.handle_status,
            &mut self.scan_status,
            &mut self.image_name,
            &mut self.image_version,
        ] {
            *f = blank_to_none(f.take());
        }
        self.vul_ids = self.vul_ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if self.operate_all {
            self.image_ids.clear();
        }
        self
    }

    pub fn validate(&self) -> Result<(), AppError> {
        export_size(self.export_size)?;
        if !self.operate_all && self.image_ids.is_empty() {
            return Err(err("image_ids", "choose at least one image, or export all that match the filters"));
        }
        if self.image_ids.len() > MAX_IMAGES {
            return Err(err("image_ids", format!("at most {MAX_IMAGES} images")));
        }
        one_of("vul_type", &self.vul_type, VUL_TYPES)?;
        one_of("handle_status", &self.handle_status, HANDLE_STATUSES)?;
        one_of("scan_status", &self.scan_status, SCAN_STATUSES)?;
        text("image_name", &self.image_name, 1, 255)?;
        text("image_version", &self.image_version, 1, 64)?;
        ordered("latest_update_time", self.update_start, self.update_end)?;
        ordered("latest_scan_time", self.scan_start, self.scan_end)?;
        if self.vul_ids.len() > 100 || self.vul_ids.iter().any(|v| v.chars().count() > 64) {
            return Err(err("vul_ids", "at most 100 ids of up to 64 characters"));
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let mut parts = vec![if self.operate_all {
            "all matching images".to_string()
        } else {
            format!("{} image{}", self.image_ids.len(), if self.image_ids.len() == 1 { "" } else { "s" })
        }];
        parts.extend(self.vul_type.as_ref().map(|v| label(VUL_TYPES, v).to_string()));
        parts.extend(self.handle_status.as_ref().map(|v| label(HANDLE_STATUSES, v).to_string()));
        parts.extend(self.image_name.as_ref().map(|n| format!("name {n}")));
        parts.push(format!("up to {}", self.export_size));
        parts.join(" · ")
    }
}

impl DscExportInput {
    pub fn normalised(mut self) -> Self {
        self.job_id = self.job_id.trim().to_string();
        for f in [
            &mut self.bucket_name,
            &mut self.keyword,
            &mut self.asset_type,
            &mut self.asset_id,
            &mut self.database_name,
            &mut self.table_name,
            &mut self.filter_bucket_name,
        ] {
            *f = blank_to_none(f.take());
        }
        self
    }

    pub fn validate(&self) -> Result<(), AppError> {
        if self.job_id.is_empty() {
            return Err(err("job_id", "choose a scan job"));
        }
        if self.job_id.len() > 64
            || !self.job_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(err("job_id", "not a scan job id"));
        }
        if self.security_level_ids.len() > MAX_LEVELS {
            return Err(err("security_level_ids", format!("at most {MAX_LEVELS} levels")));
        }
        text("bucket_name", &self.bucket_name, 1, 255)?;
        text("keyword", &self.keyword, 1, 255)?;
        one_of("asset_type", &self.asset_type, ASSET_TYPES)?;
        text("asset_id", &self.asset_id, 1, 128)?;
        text("database_name", &self.database_name, 1, 255)?;
        text("table_name", &self.table_name, 1, 255)?;
        text("filter_bucket_name", &self.filter_bucket_name, 1, 255)?;
        ordered("start_time", self.start_time, None)
    }

    pub fn summary(&self, job_name: &str) -> String {
        let mut parts = vec![format!("job {job_name}")];
        if !self.security_level_ids.is_empty() {
            parts.push(format!("{} levels", self.security_level_ids.len()));
        }
        parts.extend(self.asset_type.as_ref().map(|a| label(ASSET_TYPES, a).to_string()));
        parts.extend(self.keyword.as_ref().map(|k| format!("\u{201c}{k}\u{201d}")));
        parts.extend(self.bucket_name.as_ref().map(|b| format!("to {b}")));
        if self.mask {
            parts.push("masked".into());
        }
        parts.join(" · ")
    }
}

/// What the history page and the export forms show of one export (or, later, scan task).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: String,
    pub kind: TaskKind,
    pub summary: String,
    pub region: String,
    pub status: TaskStatus,
    /// Why it failed, in the cloud's words where it gave any.
    pub failure: Option<String>,
    /// What the tracker is waiting for, e.g. a new sign-in or the end of throttling.
    pub note: Option<String>,
    pub file_name: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub downloadable: bool,
    /// The task's own page (scan tasks).
    pub href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<HistoryRow>,
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
    /// Server clock (epoch ms), so elapsed times do not depend on the browser's clock.
    pub server_now: i64,
}

pub const HISTORY_PAGE_SIZES: &[u32] = &[10, 20, 50];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    HssContainers,
    HssLocalVuls,
    DscResults,
    ClusterScan,
    IacScan,
}

impl TaskKind {
    pub const ALL: &'static [TaskKind] = &[
        TaskKind::HssContainers,
        TaskKind::HssLocalVuls,
        TaskKind::DscResults,
        TaskKind::ClusterScan,
        TaskKind::IacScan,
    ];

    /// Exports end in a file; scan tasks in results shown on their own page.
    pub fn has_file(self) -> bool {
        !matches!(self, TaskKind::ClusterScan | TaskKind::IacScan)
    }

    /// The page of a scan task (exports have none).
    pub fn task_href(self, cloud_task_id: &str) -> Option<String> {
        match self {
            TaskKind::ClusterScan => Some(format!("/scans/cluster_scan/{cloud_task_id}")),
            TaskKind::IacScan => Some(format!("/scans/iac_scan/{cloud_task_id}")),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::HssContainers => "hss_containers",
            TaskKind::HssLocalVuls => "hss_local_vuls",
            TaskKind::DscResults => "dsc_results",
            TaskKind::ClusterScan => "cluster_scan",
            TaskKind::IacScan => "iac_scan",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskKind::HssContainers => "HSS containers",
            TaskKind::HssLocalVuls => "HSS image vulnerabilities",
            TaskKind::DscResults => "DSC classification results",
            TaskKind::ClusterScan => "HSS cluster scan",
            TaskKind::IacScan => "HSS IaC scan",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Running,
    Success,
    Failure,
}

impl TaskStatus {
    pub const ALL: &'static [TaskStatus] = &[TaskStatus::Running, TaskStatus::Success, TaskStatus::Failure];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "running",
            TaskStatus::Success => "success",
            TaskStatus::Failure => "failure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Running => "Running",
            TaskStatus::Success => "Ready",
            TaskStatus::Failure => "Failed",
        }
    }
}

/// A created export: its history row, so the form can follow it at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Created {
    pub row: HistoryRow,
    /// HSS tells how many records the local-image export holds.
    pub record_total_num: Option<i64>,
}

/// A cluster as the container form offers its name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterName {
    pub name: String,
    pub cluster_type: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageRow {
    pub image_id: String,
    pub image_name: String,
    pub image_version: String,
    pub scan_status: String,
    pub vul_num: i64,
    pub container_num: i64,
    pub severity_level: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImagePage {
    pub images: Vec<ImageRow>,
    pub total: i64,
}

/// Local images per page in the picker (HSS pages 10 to 200).
pub const IMAGE_PAGE_SIZE: i64 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanJobRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub last_run_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelRow {
    pub id: String,
    pub name: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DscJobChoices {
    pub levels: Vec<LevelRow>,
    pub buckets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub asset_name: String,
    pub object_full_path: String,
    pub security_level_name: String,
    pub rules: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DscPreviewPage {
    pub rows: Vec<PreviewRow>,
    pub total: i64,
}

/// Rows the DSC preview shows.
pub const PREVIEW_ROWS: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn container() -> ContainerExportInput {
        ContainerExportInput {
            columns: vec![Column { key: "status".into(), title: "State".into() }],
            ..Default::default()
        }
    }

    #[test]
    fn container_rules_name_the_field() {
        assert!(container().validate().is_ok());
        let field = |i: ContainerExportInput| i.validate().unwrap_err().field.unwrap();
        assert_eq!(field(ContainerExportInput { export_size: Some(0), ..container() }), "export_size");
        assert_eq!(field(ContainerExportInput { export_size: Some(100_001), ..container() }), "export_size");
        assert_eq!(field(ContainerExportInput { columns: vec![], ..container() }), "columns");
        let mut twice = container();
        twice.columns.push(Column { key: "status".into(), title: "Again".into() });
        assert_eq!(field(twice), "columns");
        assert_eq!(field(ContainerExportInput { status: Some("running".into()), ..container() }), "status");
        assert_eq!(
            field(ContainerExportInput { create_start: Some(5), create_end: Some(4), ..container() }),
            "create_time"
        );
        assert_eq!(
            field(ContainerExportInput { pod_name: Some("p".repeat(513)), ..container() }),
            "pod_name"
        );
        let blank = ContainerExportInput { cluster_name: Some("  ".into()), ..container() }.normalised();
        assert_eq!(blank.cluster_name, None);
    }

    #[test]
    fn local_vul_needs_images_or_all() {
        let base = LocalVulExportInput { export_size: 100, ..Default::default() };
        assert_eq!(base.validate().unwrap_err().field.as_deref(), Some("image_ids"));
        assert!(LocalVulExportInput { operate_all: true, ..base.clone() }.validate().is_ok());
        assert!(LocalVulExportInput { image_ids: vec!["a".into()], ..base.clone() }.validate().is_ok());
        let e = LocalVulExportInput { export_size: 0, operate_all: true, ..base }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("export_size"));
    }

    #[test]
    fn dsc_needs_a_job() {
        let e = DscExportInput::default().validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("job_id"));
        let ok = DscExportInput { job_id: "job-1".into(), ..Default::default() };
        assert!(ok.validate().is_ok());
        let e = DscExportInput { asset_type: Some("FTP".into()), ..ok }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("asset_type"));
    }
}
