//! HSS v5 (API reference §2): exports, common tasks (cluster and IaC scans), IaC files, the
//! cluster and local-image lists.

use serde::{Deserialize, Serialize};

use super::{
    count, hss_paging, opt_text, path_id, path_ids, range, text, time_range, unique, CloudError, Result,
    Rule, Seen, MAX_ID,
};
use crate::wire_enum;

// ---- Exports (§2.1–§2.5) ----

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

/// `export_size` of both HSS exports: 1 to 100000 (§2.1; the local-image export documents no
/// range, and we use the same one).
pub const MAX_EXPORT_SIZE: i64 = 100_000;
/// Column titles: 1 to 64 characters (the API says "free text"; a spreadsheet title longer than
/// that helps nobody).
pub const MAX_HEADER_TITLE: usize = 64;
/// Images one local-vulnerability export may name (undocumented; our choice).
pub const MAX_IMAGE_IDS: usize = 1000;
/// Vulnerability ids one export may name, and their length (undocumented; our choice).
pub const MAX_VUL_IDS: usize = 100;

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
    /// Sent in the query, not the body.
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
        count("export_headers", self.export_headers.len(), 1, ExportHeaderKey::ALL.len())?;
        let keys: Vec<ExportHeaderKey> = self.export_headers.iter().map(|(k, _)| *k).collect();
        unique("export_headers", &keys)?;
        for (_, title) in &self.export_headers {
            super::required_text("export_headers", title, MAX_HEADER_TITLE)?;
        }
        opt_text("cluster_name", self.cluster_name.as_deref(), 1, 255)?;
        opt_text("container_name", self.container_name.as_deref(), 1, 255)?;
        opt_text("pod_name", self.pod_name.as_deref(), 1, 512)?;
        opt_text("image_name", self.image_name.as_deref(), 1, 255)?;
        opt_text("cpu_limit", self.cpu_limit.as_deref(), 0, 64)?;
        opt_text("memory_limit", self.memory_limit.as_deref(), 0, 64)?;
        if let Some(t) = &self.create_time {
            time_range("create_time", t.start_time, t.end_time)?;
        }
        Ok(())
    }
}

/// The local-image vulnerability export (§2.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LocalVulExport {
    /// Required by the API, sent in the query; 1–100000 (our choice: the reference gives no
    /// range).
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
    /// The image's size in bytes, matched exactly (a Long in the API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_size: Option<i64>,
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
        if !self.operate_all {
            count("image_id_list", self.image_id_list.len(), 1, MAX_IMAGE_IDS)?;
        }
        self.image_id_list.iter().try_for_each(|id| text("image_id_list", id, 1, 256))?;
        opt_text("image_name", self.image_name.as_deref(), 1, 255)?;
        opt_text("image_version", self.image_version.as_deref(), 1, 64)?;
        if let Some(size) = self.image_size {
            range("image_size", size, 0, i64::MAX)?;
        }
        time_range("start_latest_update_time", self.start_latest_update_time, self.end_latest_update_time)?;
        time_range("start_latest_scan_time", self.start_latest_scan_time, self.end_latest_scan_time)?;
        count("vul_id_list", self.vul_id_list.len(), 0, MAX_VUL_IDS)?;
        self.vul_id_list.iter().try_for_each(|id| text("vul_id_list", id, 1, MAX_ID))
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

// ---- Common tasks: cluster scans and IaC scans (§2.6–§2.10) ----

wire_enum! {
    /// `task_type` of a common task.
    TaskType { ClusterScan => "cluster_scan", IacScan => "iac_scan" }
}
wire_enum! {
    /// What a cluster scan looks at.
    ScanType { ClusterVul => "cluster_vul", RiskAssessment => "risk_assessment", Benchmark => "benchmark" }
}
wire_enum! {
    RangeType { AllCluster => "all_cluster", SpecificCluster => "specific_cluster" }
}
wire_enum! {
    IacFileType { Dockerfile => "dockerfile", K8sYaml => "k8s_yaml" }
}
wire_enum! {
    TaskStatus { Ready => "ready", Running => "running", Finished => "finished" }
}
wire_enum! {
    TriggerType { Manual => "manual", Schedule => "schedule" }
}
wire_enum! {
    ItemStatus { Scanning => "scanning", Success => "success", Failed => "failed" }
}
wire_enum! {
    RetryRange { AllFailedCluster => "all_failed_cluster", SpecificCluster => "specific_cluster" }
}
wire_enum! {
    /// Order of the task list by its one documented sort key, `start_time`.
    SortDir { Asc => "asc", Desc => "desc" }
}

/// Clusters or files one task may name. UNKNOWN in the reference; we choose 200 (HSS's largest
/// page) for both.
pub const MAX_TASK_IDS: usize = 200;

/// The body of `POST /v5/{project_id}/common/task`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "task_type")]
pub enum NewTask {
    #[serde(rename = "cluster_scan")]
    ClusterScan { cluster_scan_info: ClusterScanInfo },
    #[serde(rename = "iac_scan")]
    IacScan { iac_scan_info: IacScanInfo },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterScanInfo {
    pub scan_type_list: Vec<ScanType>,
    pub range_type: RangeType,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cluster_id_list: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IacScanInfo {
    pub file_type: IacFileType,
    pub file_id_list: Vec<String>,
}

impl NewTask {
    /// The documented rules, including the conditional ones.
    pub fn validate(&self) -> Result<()> {
        match self {
            NewTask::ClusterScan { cluster_scan_info: i } => {
                count("scan_type_list", i.scan_type_list.len(), 1, ScanType::ALL.len())?;
                unique("scan_type_list", &i.scan_type_list)?;
                match i.range_type {
                    RangeType::SpecificCluster => {
                        path_ids("cluster_id_list", &i.cluster_id_list, 1, MAX_TASK_IDS)
                    }
                    RangeType::AllCluster if !i.cluster_id_list.is_empty() => {
                        Err(CloudError::invalid("cluster_id_list", Rule::EmptyWhenAll))
                    }
                    RangeType::AllCluster => Ok(()),
                }
            }
            NewTask::IacScan { iac_scan_info: i } => {
                path_ids("file_id_list", &i.file_id_list, 1, MAX_TASK_IDS)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TaskId {
    pub task_id: String,
}

/// Filters of the task list; `offset` and `limit` go in the query.
#[derive(Clone, Debug, Serialize)]
pub struct TaskQuery {
    #[serde(skip)]
    pub offset: i64,
    #[serde(skip)]
    pub limit: i64,
    pub task_type: TaskType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_create_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_create_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_type: Option<TriggerType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_status: Option<TaskStatus>,
    /// Always `start_time` when set (the only documented key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_key: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_dir: Option<SortDir>,
    /// Cluster scans that scanned every one of these items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_scan_info: Option<ScanItemsFilter>,
    /// IaC scans of this file type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iac_scan_info: Option<FileTypeFilter>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanItemsFilter {
    pub scan_type_list: Vec<ScanType>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileTypeFilter {
    pub file_type: IacFileType,
}

impl TaskQuery {
    pub fn new(task_type: TaskType) -> Self {
        Self {
            offset: 0,
            limit: 10,
            task_type,
            task_id: None,
            task_name: None,
            start_create_time: None,
            end_create_time: None,
            trigger_type: None,
            task_status: None,
            sort_key: None,
            sort_dir: None,
            cluster_scan_info: None,
            iac_scan_info: None,
        }
    }

    /// Sorted by start time in `dir`.
    pub fn sorted(mut self, dir: Option<SortDir>) -> Self {
        self.sort_key = dir.map(|_| "start_time");
        self.sort_dir = dir;
        self
    }

    pub fn validate(&self) -> Result<()> {
        hss_paging(self.offset, self.limit)?;
        opt_text("task_id", self.task_id.as_deref(), 1, MAX_ID)?;
        opt_text("task_name", self.task_name.as_deref(), 1, 255)?;
        time_range("start_create_time", self.start_create_time, self.end_create_time)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterScanSummary {
    #[serde(default)]
    pub scan_type_list: Vec<Seen<ScanType>>,
    #[serde(default)]
    pub scanning_cluster_num: i64,
    #[serde(default)]
    pub success_cluster_num: i64,
    #[serde(default)]
    pub failed_cluster_num: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacScanSummary {
    pub file_type: Option<Seen<IacFileType>>,
    #[serde(default)]
    pub scan_file_num: i64,
    #[serde(default)]
    pub success_file_num: i64,
    #[serde(default)]
    pub failed_file_num: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub task_id: String,
    pub task_type: Seen<TaskType>,
    #[serde(default)]
    pub task_name: String,
    pub trigger_type: Option<Seen<TriggerType>>,
    pub task_status: Seen<TaskStatus>,
    #[serde(default)]
    pub start_time: i64,
    #[serde(default)]
    pub end_time: i64,
    /// Minutes left.
    #[serde(default)]
    pub estimated_time: i64,
    pub cluster_scan_info: Option<ClusterScanSummary>,
    pub iac_scan_info: Option<IacScanSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<Task>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanDetail {
    pub scan_type: Seen<ScanType>,
    pub status: Seen<ItemStatus>,
    #[serde(default)]
    pub failed_reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterResult {
    pub cluster_name: String,
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_type: String,
    #[serde(default)]
    pub cluster_version: String,
    pub scan_status: Seen<ItemStatus>,
    #[serde(default)]
    pub start_time: i64,
    #[serde(default)]
    pub end_time: i64,
    #[serde(default)]
    pub scan_detail_list: Vec<ScanDetail>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileResult {
    pub file_name: String,
    pub file_type: Option<Seen<IacFileType>>,
    #[serde(default)]
    pub chart_name: String,
    pub file_id: String,
    #[serde(default)]
    pub file_size: i64,
    pub scan_status: Seen<ItemStatus>,
    #[serde(default)]
    pub failed_reason: String,
    #[serde(default)]
    pub start_time: i64,
    #[serde(default)]
    pub end_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskResources {
    pub total_num: i64,
    #[serde(default)]
    pub cluster_scan_data_list: Vec<ClusterResult>,
    #[serde(default)]
    pub iac_scan_data_list: Vec<FileResult>,
}

/// Which failed clusters to scan again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Retry {
    pub range_type: RetryRange,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cluster_info_list: Vec<RetryCluster>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetryCluster {
    pub cluster_id: String,
    /// Empty: every failed item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scan_type_list: Vec<ScanType>,
}

impl Retry {
    pub fn validate(&self) -> Result<()> {
        match self.range_type {
            RetryRange::SpecificCluster => {
                count("cluster_info_list", self.cluster_info_list.len(), 1, MAX_TASK_IDS)?;
                for c in &self.cluster_info_list {
                    path_id("cluster_info_list", &c.cluster_id)?;
                    unique("scan_type_list", &c.scan_type_list)?;
                }
                Ok(())
            }
            RetryRange::AllFailedCluster if !self.cluster_info_list.is_empty() => {
                Err(CloudError::invalid("cluster_info_list", Rule::EmptyWhenAll))
            }
            RetryRange::AllFailedCluster => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskStatistics {
    pub total_num: i64,
    pub running_num: i64,
    #[serde(default)]
    pub last_task_start_time: i64,
}

// ---- IaC files: upload (§2.11) and list (§2.12) ----

/// Files one upload may carry, and their size. The upload API is documented by its path only
/// (reference gap 1): these are our choices, and the emulator's.
pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

wire_enum! {
    IacScanSource { ManualScan => "manual_scan", CicdScan => "cicd_scan" }
}

/// Checks a batch's count and sizes before any byte leaves (the browser checks the same before
/// reading the files).
pub fn validate_upload_sizes<'a>(files: impl ExactSizeIterator<Item = (&'a str, usize)>) -> Result<()> {
    count("file", files.len(), 1, MAX_FILES)?;
    for (name, size) in files {
        text("file_name", name, 1, 512)?;
        if size == 0 || size > MAX_FILE_BYTES {
            return Err(CloudError::invalid("file", Rule::FileSize { max_kib: MAX_FILE_BYTES / 1024 }));
        }
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub file_id: String,
    pub file_name: String,
    #[serde(default)]
    pub file_size: i64,
    #[serde(default)]
    pub upload_file_time: i64,
}

#[derive(Clone, Debug)]
pub struct IacFileQuery {
    pub offset: i64,
    pub limit: i64,
    pub scan_type: IacScanSource,
    pub file_name: Option<String>,
    pub file_type: Option<IacFileType>,
}

impl IacFileQuery {
    pub fn validate(&self) -> Result<()> {
        hss_paging(self.offset, self.limit)?;
        opt_text("file_name", self.file_name.as_deref(), 1, 512)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFile {
    pub file_id: String,
    pub file_name: String,
    pub file_type: Option<Seen<IacFileType>>,
    #[serde(default)]
    pub risky: bool,
    #[serde(default)]
    pub risk_num: i64,
    #[serde(default)]
    pub first_scan_time: i64,
    #[serde(default)]
    pub last_scan_time: i64,
    #[serde(default)]
    pub upload_file_time: i64,
    #[serde(default)]
    pub scan_type: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFileList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<IacFile>,
}

// ---- Clusters (§2.13) ----

#[derive(Clone, Debug, Default)]
pub struct ClusterQuery {
    pub offset: i64,
    /// 10–200; `0` asks for the cloud's default, 10.
    pub limit: i64,
    /// Fuzzy match on the name.
    pub cluster_name: Option<String>,
    pub load_agent_info: bool,
}

impl ClusterQuery {
    pub fn validate(&self) -> Result<()> {
        hss_paging(self.offset, default_limit(self.limit))?;
        opt_text("cluster_name", self.cluster_name.as_deref(), 1, 128)
    }
}

/// A limit of 0 means HSS's default page, 10.
pub fn default_limit(limit: i64) -> i64 {
    if limit == 0 {
        10
    } else {
        limit
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    #[serde(default)]
    pub id: String,
    pub cluster_name: String,
    /// The id a cluster scan names (`cluster_id_list`).
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub total_nodes_number: i32,
    #[serde(default)]
    pub active_nodes_number: i32,
    #[serde(default)]
    pub creation_timestamp: i64,
    #[serde(default)]
    pub agent_installed_num: i32,
    #[serde(default)]
    pub agent_install_failed_num: i32,
    #[serde(default)]
    pub agent_not_install_num: i32,
    #[serde(default)]
    pub agent_ds_install_status: String,
    #[serde(default)]
    pub last_scan_time: i64,
    #[serde(default)]
    pub sys_vul_num: i32,
    #[serde(default)]
    pub app_vul_num: i32,
    #[serde(default)]
    pub emg_vul_num: i32,
    #[serde(default)]
    pub risk_assess_num: i32,
    #[serde(default)]
    pub sec_comp_num: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterList {
    #[serde(default)]
    pub last_update_time: i64,
    pub total_num: i64,
    #[serde(default)]
    pub cluster_info_list: Vec<Cluster>,
}

// ---- Local images (§2.14) ----

#[derive(Clone, Debug, Default)]
pub struct LocalImageQuery {
    pub offset: i64,
    /// No documented range; we keep HSS's usual 10–200 (`0`: the default, 10).
    pub limit: i64,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    pub has_vul: Option<bool>,
    /// `unscan`, `success`, `scanning`, `failed` or `waiting` (this list's own words).
    pub scan_status: Option<String>,
    pub has_container: Option<bool>,
}

impl LocalImageQuery {
    pub fn validate(&self) -> Result<()> {
        hss_paging(self.offset, default_limit(self.limit))?;
        opt_text("image_name", self.image_name.as_deref(), 1, 128)?;
        opt_text("image_version", self.image_version.as_deref(), 1, 64)?;
        match self.scan_status.as_deref() {
            None | Some("unscan" | "success" | "scanning" | "failed" | "waiting") => Ok(()),
            Some(_) => Err(CloudError::invalid(
                "scan_status",
                Rule::OneOf(&["unscan", "success", "scanning", "failed", "waiting"]),
            )),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalImage {
    pub image_name: String,
    pub image_id: String,
    #[serde(default)]
    pub image_digest: String,
    #[serde(default)]
    pub image_version: String,
    #[serde(default)]
    pub local_image_type: String,
    #[serde(default)]
    pub scan_status: String,
    #[serde(default)]
    pub image_size: i64,
    #[serde(default)]
    pub latest_update_time: i64,
    #[serde(default)]
    pub latest_scan_time: i64,
    #[serde(default)]
    pub vul_num: i64,
    #[serde(default)]
    pub container_num: i64,
    #[serde(default)]
    pub severity_level: String,
    #[serde(default)]
    pub host_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalImageList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<LocalImage>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        e.export_headers.pop();
        e.export_headers.push((ExportHeaderKey::Status, " ".into()));
        assert!(e.validate().is_err(), "a blank title");
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

    #[test]
    fn wire_names_parse_and_list_themselves() {
        assert_eq!("cce".parse::<ExportClusterType>(), Ok(ExportClusterType::Cce));
        let e = "k8s".parse::<ExportClusterType>().unwrap_err();
        assert!(e.to_string().starts_with("must be one of cce, ali"), "{e}");
        assert_eq!(SortDir::Desc.to_string(), "desc");
    }
}

// ---- Containers (ListContainers, API reference §2.15; fields from the official SDK's model) ----

/// `GET /v5/{project_id}/container/kubernetes`'s filters: names HSS matches as it does, and
/// whether the container is managed by a cluster. The container export takes more filters than
/// this list does.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContainerQuery {
    pub offset: i64,
    /// 10–200 (`0`: the default, 10).
    pub limit: i64,
    pub container_name: Option<String>,
    pub pod_name: Option<String>,
    pub image_name: Option<String>,
    pub cluster_container: Option<bool>,
}

impl ContainerQuery {
    pub fn validate(&self) -> Result<()> {
        hss_paging(self.offset, default_limit(self.limit))?;
        opt_text("container_name", self.container_name.as_deref(), 1, 128)?;
        opt_text("pod_name", self.pod_name.as_deref(), 1, 128)?;
        opt_text("image_name", self.image_name.as_deref(), 1, 128)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerInfo {
    pub container_id: String,
    pub container_name: String,
    #[serde(default)]
    pub image_name: String,
    #[serde(default)]
    pub pod_name: String,
    #[serde(default)]
    pub cluster_name: String,
    #[serde(default)]
    pub cluster_type: String,
    /// As sent (the list's values are not documented apart from the export's).
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub risky: bool,
    #[serde(default)]
    pub create_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<ContainerInfo>,
}
