//! Common tasks: cluster scans and IaC scans (§2.6–§2.10).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Op;
use crate::validate::{hss_paging, opt_text, path_id, range, text, wire_enum};
use crate::{Caller, CloudClient, CloudError, Result, Service};

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
    /// The documented rules, including the conditional ones. The maximum list lengths are
    /// UNKNOWN in the reference; we choose 200 (HSS's largest page) for both.
    pub fn validate(&self) -> Result<()> {
        match self {
            NewTask::ClusterScan { cluster_scan_info: i } => {
                if i.scan_type_list.is_empty() {
                    return Err(CloudError::invalid("scan_type_list", "choose at least one scan type"));
                }
                match i.range_type {
                    RangeType::SpecificCluster if i.cluster_id_list.is_empty() => Err(CloudError::invalid(
                        "cluster_id_list",
                        "required when range_type is specific_cluster: choose at least one cluster",
                    )),
                    RangeType::AllCluster if !i.cluster_id_list.is_empty() => Err(CloudError::invalid(
                        "cluster_id_list",
                        "must be empty when range_type is all_cluster",
                    )),
                    _ => {
                        range("cluster_id_list", i.cluster_id_list.len() as i64, 0, 200)?;
                        i.cluster_id_list.iter().try_for_each(|id| text("cluster_id_list", id, 1, 64))
                    }
                }
            }
            NewTask::IacScan { iac_scan_info: i } => {
                if i.file_id_list.is_empty() {
                    return Err(CloudError::invalid("file_id_list", "choose at least one file"));
                }
                range("file_id_list", i.file_id_list.len() as i64, 1, 200)?;
                i.file_id_list.iter().try_for_each(|id| text("file_id_list", id, 1, 64))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TaskId {
    pub task_id: String,
}

/// Filters of the task list.
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
    pub sort_dir: Option<&'static str>,
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
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterScanSummary {
    #[serde(default)]
    pub scan_type_list: Vec<ScanType>,
    #[serde(default)]
    pub scanning_cluster_num: i64,
    #[serde(default)]
    pub success_cluster_num: i64,
    #[serde(default)]
    pub failed_cluster_num: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacScanSummary {
    pub file_type: Option<IacFileType>,
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
    pub task_type: TaskType,
    #[serde(default)]
    pub task_name: String,
    pub trigger_type: Option<TriggerType>,
    pub task_status: TaskStatus,
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
    pub scan_type: ScanType,
    pub status: ItemStatus,
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
    pub scan_status: ItemStatus,
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
    pub file_type: Option<IacFileType>,
    #[serde(default)]
    pub chart_name: String,
    pub file_id: String,
    #[serde(default)]
    pub file_size: i64,
    pub scan_status: ItemStatus,
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
                range("cluster_info_list", self.cluster_info_list.len() as i64, 1, 200)?;
                for c in &self.cluster_info_list {
                    text("cluster_id", &c.cluster_id, 1, 64)?;
                    range("scan_type_list", c.scan_type_list.len() as i64, 0, 3)?;
                }
                Ok(())
            }
            RetryRange::AllFailedCluster if !self.cluster_info_list.is_empty() => Err(CloudError::invalid(
                "cluster_info_list",
                "must be empty when range_type is all_failed_cluster",
            )),
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

impl CloudClient {
    /// `POST /v5/{project_id}/common/task` (§2.6). Never retried: it creates.
    pub async fn hss_create_task(&self, caller: &Caller, task: &NewTask) -> Result<TaskId> {
        task.validate()?;
        let path = Self::project_path(caller, "v5", "/common/task")?;
        let req = self.request(Method::POST, Service::Hss, &caller.region, &path)?.json(task);
        let resp = self.call(Op::write(Service::Hss, "hss_create_task"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `POST /v5/{project_id}/common/tasks/batch-query` (§2.7): a read, despite the POST.
    pub async fn hss_list_tasks(&self, caller: &Caller, q: &TaskQuery) -> Result<TaskList> {
        hss_paging(q.offset, q.limit)?;
        opt_text("task_id", q.task_id.as_deref(), 1, 64)?;
        opt_text("task_name", q.task_name.as_deref(), 1, 255)?;
        if let (Some(a), Some(b)) = (q.start_create_time, q.end_create_time) {
            if a > b {
                return Err(CloudError::invalid("start_create_time", "must not be after end_create_time"));
            }
        }
        let path = Self::project_path(caller, "v5", "/common/tasks/batch-query")?;
        let req = self
            .request(Method::POST, Service::Hss, &caller.region, &path)?
            .query(&[("offset", q.offset), ("limit", q.limit)])
            .json(q);
        let resp = self.call(Op::read(Service::Hss, "hss_list_tasks"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `POST /v5/{project_id}/common/tasks/{task_id}/resources/batch-query` (§2.8).
    pub async fn hss_task_resources(
        &self,
        caller: &Caller,
        task_type: TaskType,
        task_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<TaskResources> {
        hss_paging(offset, limit)?;
        let task_id = path_id("task_id", task_id)?;
        let path =
            Self::project_path(caller, "v5", &format!("/common/tasks/{task_id}/resources/batch-query"))?;
        let req = self
            .request(Method::POST, Service::Hss, &caller.region, &path)?
            .query(&[("offset", offset), ("limit", limit)])
            .json(&serde_json::json!({ "task_type": task_type }));
        let resp = self.call(Op::read(Service::Hss, "hss_task_resources"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }

    /// `PUT /v5/{project_id}/common/tasks/{task_id}/retry` (§2.9); only cluster scans retry.
    pub async fn hss_retry_task(&self, caller: &Caller, task_id: &str, retry: &Retry) -> Result<()> {
        retry.validate()?;
        let task_id = path_id("task_id", task_id)?;
        let path = Self::project_path(caller, "v5", &format!("/common/tasks/{task_id}/retry"))?;
        let body = serde_json::json!({ "task_type": TaskType::ClusterScan, "cluster_scan_info": retry });
        let req = self.request(Method::PUT, Service::Hss, &caller.region, &path)?.json(&body);
        self.call(Op::write(Service::Hss, "hss_retry_task"), caller, req).await.map(drop)
    }

    /// `GET /v5/{project_id}/common/task-statistics` (§2.10).
    pub async fn hss_task_statistics(&self, caller: &Caller, task_type: TaskType) -> Result<TaskStatistics> {
        let path = Self::project_path(caller, "v5", "/common/task-statistics")?;
        let req = self
            .request(Method::GET, Service::Hss, &caller.region, &path)?
            .query(&[("task_type", task_type.as_str())]);
        let resp = self.call(Op::read(Service::Hss, "hss_task_statistics"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
