//! Common tasks: cluster scans and IaC scans (§2.6–§2.10).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::validate::wire_enum;
use crate::{Caller, CloudClient, Result, Service};

wire_enum! {
    /// `task_type` of a common task.
    TaskType { ClusterScan => "cluster_scan", IacScan => "iac_scan" }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskStatistics {
    pub total_num: i64,
    pub running_num: i64,
    #[serde(default)]
    pub last_task_start_time: i64,
}

impl CloudClient {
    /// `GET /v5/{project_id}/common/task-statistics` (§2.10).
    pub async fn hss_task_statistics(&self, caller: &Caller, task_type: TaskType) -> Result<TaskStatistics> {
        let path = Self::project_path(caller, "v5", "/common/task-statistics")?;
        let req = self
            .request(Method::GET, Service::Hss, &caller.region, &path)?
            .query(&[("task_type", task_type.as_str())]);
        let resp = self.call(Service::Hss, caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
