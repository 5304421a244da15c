//! HSS scan tasks: `/api/scans/*`. Creates and retries take JSON (lists inside), uploads
//! multipart.

use cloud::model::hss::{IacFileType, TaskType, UploadedFile};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::codec::{Answer, Form, Json};
use crate::dto::scans::{
    ClusterPage, ClusterScanInput, IacFilePage, IacScanInput, RetryInput, TaskDetail, TaskFilter, TaskPage,
};
use crate::dto::tasks::Created;
use crate::error::AppError;

/// A page of the clusters a scan can cover (10 a page, searched by name), each marked when it
/// cannot be scanned.
#[server(endpoint = "scans/clusters", output = Answer)]
pub async fn scan_clusters(
    offset: u32,
    #[server(default)] name: Option<String>,
    #[server(default)] refresh: bool,
) -> Result<ClusterPage, AppError> {
    crate::ssr::scans::scan_clusters(offset, name, refresh).await
}

#[server(endpoint = "scans/start_cluster_scan", input = Json, output = Answer)]
pub async fn start_cluster_scan(
    input: ClusterScanInput,
    idempotency_key: String,
) -> Result<Created, AppError> {
    crate::ssr::scans::start_cluster_scan(input, idempotency_key).await
}

#[server(endpoint = "scans/start_iac_scan", input = Json, output = Answer)]
pub async fn start_iac_scan(input: IacScanInput, idempotency_key: String) -> Result<Created, AppError> {
    crate::ssr::scans::start_iac_scan(input, idempotency_key).await
}

/// Files for an IaC scan, sent as multipart (a `file_type` field, then one `file` part per file)
/// and on to HSS the same way. Each part is read in pieces and refused once it passes the
/// cloud's bounds, so the body is never held as text.
#[server(endpoint = "scans/upload", input = MultipartFormData, output = Answer)]
pub async fn upload_iac_files(data: MultipartData) -> Result<Vec<UploadedFile>, AppError> {
    let data = data.into_inner().ok_or_else(|| AppError::invalid("files", "not a multipart form"))?;
    crate::ssr::scans::upload_iac_files(data).await
}

/// Files uploaded earlier, 10 a page: by hand (`manual_scan`, the default) or from CI/CD
/// pipelines (`cicd_scan`).
#[server(endpoint = "scans/iac_files", input = Form, output = Answer)]
pub async fn iac_files(
    file_type: IacFileType,
    offset: u32,
    #[server(default)] source: Option<cloud::model::hss::IacScanSource>,
) -> Result<IacFilePage, AppError> {
    crate::ssr::scans::iac_files(
        file_type,
        offset,
        source.unwrap_or(cloud::model::hss::IacScanSource::ManualScan),
    )
    .await
}

/// The cloud's task list with its filters, and the task statistics. Form fields
/// `filter[task_type]`, `filter[task_status]`, `filter[trigger_type]`, `filter[task_name]`,
/// `filter[created_from]`, `filter[created_to]` (epoch ms), `filter[sort_dir]` (`asc`/`desc`
/// by start time), `filter[offset]`, `filter[limit]`, and `refresh`.
#[server(endpoint = "scans/tasks", input = Form, output = Answer)]
pub async fn scan_tasks(
    #[server(default)] filter: TaskFilter,
    #[server(default)] refresh: bool,
) -> Result<TaskPage, AppError> {
    crate::ssr::scans::scan_tasks(filter, refresh).await
}

/// One task's counters and its clusters or files with each scan item's outcome.
#[server(endpoint = "scans/task", input = Form, output = Answer)]
pub async fn scan_task(task_type: TaskType, task_id: String) -> Result<TaskDetail, AppError> {
    crate::ssr::scans::scan_task(task_type, task_id).await
}

#[server(endpoint = "scans/retry", input = Json, output = Answer)]
pub async fn retry_scan(input: RetryInput, idempotency_key: String) -> Result<(), AppError> {
    crate::ssr::scans::retry_scan(input, idempotency_key).await
}
