//! HSS scan tasks: `/api/scans/*`. Creates, uploads and retries take JSON (lists inside).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::dto::exports::Created;
use crate::dto::scans::{
    ClusterPage, ClusterScanInput, IacFileRow, IacScanInput, RetryInput, TaskDetail, TaskPage, UploadedRow,
};
use crate::error::AppError;

/// A page of the clusters a scan can cover (10 a page, searched by name), each marked when it
/// cannot be scanned.
#[server(endpoint = "scans/clusters")]
pub async fn scan_clusters(
    offset: u32,
    #[server(default)] name: Option<String>,
    #[server(default)] refresh: bool,
) -> Result<ClusterPage, AppError> {
    crate::ssr::scans::clusters(offset, name, refresh).await
}

#[server(endpoint = "scans/start_cluster_scan", input = Json)]
pub async fn start_cluster_scan(input: ClusterScanInput) -> Result<Created, AppError> {
    crate::ssr::scans::start_cluster_scan(input).await
}

#[server(endpoint = "scans/start_iac_scan", input = Json)]
pub async fn start_iac_scan(input: IacScanInput) -> Result<Created, AppError> {
    crate::ssr::scans::start_iac_scan(input).await
}

/// A file for the IaC upload. Dockerfiles and Kubernetes YAML are text, sent as such; the
/// portal forwards them to HSS as multipart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextFile {
    pub name: String,
    pub content: String,
}

#[server(endpoint = "scans/upload", input = Json)]
pub async fn upload_iac_files(file_type: String, files: Vec<TextFile>) -> Result<Vec<UploadedRow>, AppError> {
    let files = files
        .into_iter()
        .map(|f| cloud::hss::UploadFile { file_name: f.name, content: f.content.into_bytes() })
        .collect();
    crate::ssr::scans::upload(file_type, files).await
}

/// Files uploaded earlier (manual scans), 10 a page.
#[server(endpoint = "scans/iac_files")]
pub async fn iac_files(file_type: String, offset: u32) -> Result<(Vec<IacFileRow>, i64), AppError> {
    crate::ssr::scans::iac_files(file_type, offset).await
}

/// The cloud's task list with its filters and the task statistics. `sort_dir` sorts by start
/// time (`asc`/`desc`); times are epoch milliseconds.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "scans/tasks")]
pub async fn scan_tasks(
    task_type: String,
    #[server(default)] task_status: Option<String>,
    #[server(default)] trigger_type: Option<String>,
    #[server(default)] task_name: Option<String>,
    #[server(default)] created_from: Option<i64>,
    #[server(default)] created_to: Option<i64>,
    #[server(default)] sort_dir: Option<String>,
    offset: u32,
    limit: u32,
    #[server(default)] refresh: bool,
) -> Result<TaskPage, AppError> {
    crate::ssr::scans::tasks(
        task_type,
        task_status,
        trigger_type,
        task_name,
        created_from,
        created_to,
        sort_dir,
        offset,
        limit,
        refresh,
    )
    .await
}

/// One task's counters and its clusters or files with each scan item's outcome.
#[server(endpoint = "scans/task")]
pub async fn scan_task(task_type: String, task_id: String) -> Result<TaskDetail, AppError> {
    crate::ssr::scans::task(task_type, task_id).await
}

#[server(endpoint = "scans/retry", input = Json)]
pub async fn retry_scan(input: RetryInput) -> Result<(), AppError> {
    crate::ssr::scans::retry(input).await
}
