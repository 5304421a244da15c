//! Common tasks: cluster scans and IaC scans (§2.6–§2.10).

use reqwest::Method;

use super::{NewTask, Retry, TaskId, TaskList, TaskQuery, TaskResources, TaskStatistics, TaskType};
use crate::client::Op;
use crate::model::{hss_paging, path_id};
use crate::{Caller, CloudClient, Result, Service};

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
        q.validate()?;
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
