//! The portal's own record of what its users exported (the cloud has no "list my exports"), and
//! what the background tracker needs to follow each task. The server implements the store (in
//! the same database as the sessions); server functions only call this interface.

use async_trait::async_trait;

use super::session::SessionAuth;
use super::{now_ms, store_failed, Portal};
use crate::dto::exports::{HistoryRow, TaskKind, TaskStatus};
use crate::error::AppError;

/// The tracker looks at a new task the first time this soon (most small exports and scans are
/// done by then); later looks follow its own schedule.
pub const FIRST_POLL_MS: i64 = 3_000;

/// Records a task just created in the cloud for the signed-in user and wakes the tracker.
pub async fn record_created(
    portal: &Portal,
    auth: &SessionAuth,
    kind: TaskKind,
    summary: String,
    params: &impl serde::Serialize,
    cloud_task_id: String,
) -> Result<HistoryRow, AppError> {
    let now = now_ms();
    let task = NewTask {
        owner: auth.owner(),
        kind,
        summary,
        params: serde_json::to_string(params).unwrap_or_default(),
        cloud_task_id,
        sealed_token: auth.sealed_token.clone(),
        token_expires_at: auth.token_expires_at,
    };
    let task = portal.tasks.insert(task, now, now + FIRST_POLL_MS).await.map_err(store_failed)?;
    portal.tracker.notify_one();
    tracing::info!(user = %auth.user_name, kind = kind.as_str(), id = %task.id, "task created");
    Ok(task.row(now))
}

/// Who created a task, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Owner {
    pub user_id: String,
    pub user_name: String,
    pub domain_id: String,
    pub project_id: String,
    pub region: String,
}

/// A task just created in the cloud.
#[derive(Clone, Debug)]
pub struct NewTask {
    pub owner: Owner,
    pub kind: TaskKind,
    pub summary: String,
    /// The form as sent, as JSON, to show or repeat later.
    pub params: String,
    /// HSS's `task_id`, or DSC's `job_id` (DSC tracks exports per job).
    pub cloud_task_id: String,
    /// The creator's token, sealed by the vault, so the tracker can poll while no page is open.
    pub sealed_token: String,
    /// Unix seconds; the tracker stops using the token then.
    pub token_expires_at: i64,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub id: String,
    pub owner: Owner,
    pub kind: TaskKind,
    pub summary: String,
    pub params: String,
    pub cloud_task_id: String,
    pub status: TaskStatus,
    pub failure: Option<String>,
    pub note: Option<String>,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
    /// Epoch milliseconds, like every time below.
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub next_poll_at: i64,
    pub polls: i64,
    /// Consecutive polls that failed (throttled, unreachable), for the back-off.
    pub poll_errors: i64,
    /// Set when the cloud said the file is gone.
    pub file_gone: bool,
    pub sealed_token: Option<String>,
    pub token_expires_at: i64,
}

/// How long the cloud keeps an exported file. UNKNOWN in the reference; we offer the download
/// for a day and say so when the cloud has dropped it sooner.
pub const FILE_RETENTION_MS: i64 = 24 * 3600 * 1000;

impl Task {
    pub fn downloadable(&self, now_ms: i64) -> bool {
        self.kind.has_file()
            && self.status == TaskStatus::Success
            && !self.file_gone
            && self.finished_at.is_some_and(|t| now_ms - t < FILE_RETENTION_MS)
    }

    pub fn row(&self, now_ms: i64) -> HistoryRow {
        HistoryRow {
            id: self.id.clone(),
            kind: self.kind,
            summary: self.summary.clone(),
            region: self.owner.region.clone(),
            status: self.status,
            failure: self.failure.clone(),
            note: self.note.clone(),
            file_name: self.file_name.clone(),
            created_at: self.created_at,
            finished_at: self.finished_at,
            downloadable: self.downloadable(now_ms),
            href: self.kind.task_href(&self.cloud_task_id),
        }
    }
}

/// What one status poll found.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Still running (or not known yet); look again at `next_poll_at`. `note` says why when the
    /// wait is not the normal one (throttled, signed out, unreachable).
    Pending {
        next_poll_at: i64,
        note: Option<String>,
        error: bool,
    },
    Succeeded {
        file_id: Option<String>,
        file_name: Option<String>,
    },
    Failed {
        reason: String,
    },
}

#[derive(Clone, Debug, Default)]
pub struct HistoryQuery {
    pub kind: Option<TaskKind>,
    pub status: Option<TaskStatus>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("history store: {0}")]
pub struct StoreError(pub String);

#[async_trait]
pub trait TaskStore: Send + Sync {
    async fn insert(&self, task: NewTask, now_ms: i64, first_poll_at: i64) -> Result<Task, StoreError>;
    async fn get(&self, id: &str) -> Result<Option<Task>, StoreError>;
    /// One user's tasks, newest first, and how many match.
    async fn list(
        &self,
        domain_id: &str,
        user_id: &str,
        q: &HistoryQuery,
    ) -> Result<(Vec<Task>, u64), StoreError>;
    /// Running tasks whose next poll is due, oldest due first.
    async fn due(&self, now_ms: i64, limit: u32) -> Result<Vec<Task>, StoreError>;
    /// When the next running task is due, if any is.
    async fn next_due(&self) -> Result<Option<i64>, StoreError>;
    async fn record(&self, id: &str, progress: Progress, now_ms: i64) -> Result<(), StoreError>;
    /// Moves a running task's next poll to `at` without counting a poll (its user's slot is
    /// taken).
    async fn defer(&self, id: &str, at: i64) -> Result<(), StoreError>;
    /// A new sign-in of the same user in the same project: running tasks use the fresh token
    /// and are polled again at once.
    async fn refresh_credentials(
        &self,
        owner: &Owner,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError>;
    async fn mark_file_gone(&self, id: &str) -> Result<(), StoreError>;
    /// A retried scan runs again: its row (if the portal started the task) goes back to
    /// running, with the retrying user's token. Says whether there was such a row.
    async fn reopen(
        &self,
        owner: &Owner,
        cloud_task_id: &str,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
        next_poll_at: i64,
    ) -> Result<bool, StoreError>;
    async fn preference(&self, user_key: &str, name: &str) -> Result<Option<String>, StoreError>;
    async fn set_preference(&self, user_key: &str, name: &str, value: &str) -> Result<(), StoreError>;
}
