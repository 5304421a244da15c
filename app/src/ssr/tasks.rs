//! The portal's own record of the tasks its users started (the cloud has no "list my exports"),
//! and what the background tracker needs to follow each. The server implements the store;
//! server functions only call this interface.

use async_trait::async_trait;
use cloud::Caller;

use super::identity::Owner;
use super::session::{signed_in, SessionAuth};
use super::{now_ms, store_failed, Portal};
use crate::dto::tasks::{HistoryFilter, HistoryPage, HistoryRow, TaskKind, TaskStatus, HISTORY_PAGE_SIZES};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};

/// The tracker looks at a new task the first time this soon (most small exports and scans are
/// done by then); later looks follow its own schedule.
pub const FIRST_POLL_MS: i64 = 3_000;

/// How long the cloud keeps an exported file. UNKNOWN in the reference; we offer the download
/// for a day and say so when the cloud has dropped it sooner.
pub const FILE_RETENTION_MS: i64 = 24 * 3600 * 1000;

/// A task about to be created in the cloud (its intent row).
#[derive(Clone, Debug)]
pub struct NewTask {
    pub owner: Owner,
    pub kind: TaskKind,
    pub summary: String,
    /// The form as sent, as JSON, to show or repeat later.
    pub params: String,
    /// HSS's `task_id`, or DSC's `job_id` (DSC tracks exports per job); empty until the cloud
    /// answers, except for DSC (the job is known before) and retries (the task exists).
    pub cloud_task_id: String,
    /// A retry: the task's row (if the portal has one) runs again instead of a new row.
    pub retry: bool,
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
    /// What identifies a DSC export among its job's exports: the start time the cloud gave it.
    pub export_ref: Option<String>,
    pub status: TaskStatus,
    pub failure: Option<String>,
    pub note: Option<String>,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
    /// Epoch milliseconds, like every time below.
    pub created_at: i64,
    /// When the give-up clock started: the create, or the latest retry.
    pub clock_from: i64,
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
            href: (!self.cloud_task_id.is_empty())
                .then(|| self.kind.task_href(&self.cloud_task_id))
                .flatten(),
        }
    }

    /// The cloud identity of the task's creator, while the token they left is valid.
    pub fn caller(&self, portal: &Portal, now_ms: i64) -> Option<Caller> {
        let sealed = self.sealed_token.as_deref().filter(|_| self.token_expires_at * 1000 > now_ms)?;
        self.owner.caller(&portal.vault, sealed).ok()
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
    /// A create whose answer was lost turned out to exist in the cloud: follow it from now.
    Found {
        cloud_task_id: String,
        export_ref: Option<String>,
    },
}

/// What writing an intent found.
#[derive(Clone, Debug)]
pub enum Begun {
    /// A new row: go ahead with the cloud call.
    New(Task),
    /// The key was used before: this is the row it made; no second cloud call.
    Again(Task),
}

/// The cloud API a kind's status poll spends, for the tracker's per-user rate slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusApi {
    /// The operation's name (the client limiter's key too).
    pub name: &'static str,
    /// Polls take every `share`-th of the user's slots for this API: pages that read the same
    /// API keep the rest.
    pub share: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("task store: {0}")]
pub struct StoreError(pub String);

#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Writes the intent of a create before the cloud call: a `creating` row (or, for a retry,
    /// the task's row taken back to `creating`), owned by the request until `claim_until`, under
    /// the user's idempotency key. The same key again answers the row it made.
    async fn begin(
        &self,
        task: NewTask,
        key: &str,
        now_ms: i64,
        claim_until: i64,
    ) -> Result<Begun, StoreError>;
    /// The cloud took the create (or the retry): the row runs, with the cloud's id.
    async fn started(
        &self,
        id: &str,
        cloud_task_id: &str,
        export_ref: Option<&str>,
        now_ms: i64,
        first_poll_at: i64,
    ) -> Result<(), StoreError>;
    /// The create's answer was lost: the tracker finds out at `check_at`.
    async fn unclear(&self, id: &str, note: &str, now_ms: i64, check_at: i64) -> Result<(), StoreError>;
    /// The cloud clearly refused the create: the intent goes, key and all (the form may be sent
    /// again once corrected). A refused retry leaves its row to the tracker, which reads the
    /// task's real state.
    async fn abandon(&self, id: &str, retry: bool, now_ms: i64) -> Result<(), StoreError>;
    async fn get(&self, id: &str) -> Result<Option<Task>, StoreError>;
    /// One user's tasks, newest first, and how many match.
    async fn list(
        &self,
        domain_id: &str,
        user_id: &str,
        filter: &HistoryFilter,
    ) -> Result<(Vec<Task>, u64), StoreError>;
    /// Claims active tasks whose next look is due, oldest due first: their next look moves to
    /// `lease_until`, so no other tracker (another instance) takes them meanwhile, and a
    /// tracker that dies leaves them to the others once the lease runs out.
    async fn claim_due(&self, now_ms: i64, lease_until: i64, limit: u32) -> Result<Vec<Task>, StoreError>;
    /// When the next active task is due, if any is.
    async fn next_due(&self) -> Result<Option<i64>, StoreError>;
    /// How many active tasks are due at `now_ms`, and since when the oldest of them is (the
    /// tracker's backlog and lag, for the metrics).
    async fn due(&self, now_ms: i64) -> Result<(u64, Option<i64>), StoreError>;
    async fn record(&self, id: &str, progress: Progress, now_ms: i64) -> Result<(), StoreError>;
    /// Moves an active task's next look to `at` without counting a poll (a claimed task that
    /// must wait for its user's slot).
    async fn defer(&self, id: &str, at: i64) -> Result<(), StoreError>;
    /// Cloud ids of a kind that rows in a project already follow (a found task is never
    /// claimed twice).
    async fn claimed(
        &self,
        domain_id: &str,
        project_id: &str,
        kind: TaskKind,
    ) -> Result<Vec<String>, StoreError>;
    /// Active tasks of a kind on one cloud id in a project (a DSC job's running export).
    async fn active_on(
        &self,
        domain_id: &str,
        project_id: &str,
        kind: TaskKind,
        cloud_task_id: &str,
    ) -> Result<Vec<Task>, StoreError>;
    /// A new sign-in of the same user in the same project: active tasks use the fresh token and
    /// are polled again at once.
    async fn refresh_credentials(
        &self,
        owner: &Owner,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError>;
    /// Sign-out without following: the user's active tasks drop their token and wait for the
    /// next sign-in.
    async fn drop_credentials(&self, domain_id: &str, user_id: &str, note: &str) -> Result<u64, StoreError>;
    async fn mark_file_gone(&self, id: &str) -> Result<(), StoreError>;
    /// At the start of the only instance (embedded mode) no create is in flight, so every
    /// `creating` row's claim is void: such rows, left by a crash, are looked up at once.
    async fn release_claims(&self, now_ms: i64) -> Result<u64, StoreError>;
    /// Removes finished rows (and used keys) older than `before`; says how many rows went.
    async fn prune(&self, before_ms: i64) -> Result<u64, StoreError>;
}

/// Wakes the background trackers when a task is created or may be looked at again: this
/// instance's at once, and in cluster mode every other instance's (the server passes how).
pub struct Wake {
    local: tokio::sync::Notify,
    others: Option<Box<dyn Fn() + Send + Sync>>,
}

impl Wake {
    pub fn new(others: Option<Box<dyn Fn() + Send + Sync>>) -> Self {
        Self { local: tokio::sync::Notify::new(), others }
    }

    pub fn notify_one(&self) {
        self.local.notify_one();
        if let Some(tell) = &self.others {
            tell();
        }
    }

    /// Only this instance's tracker (a message from another instance).
    pub fn notify_local(&self) {
        self.local.notify_one();
    }

    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.local.notified()
    }
}

/// What a user keeps between visits (the container export's column set).
#[async_trait]
pub trait PreferenceStore: Send + Sync {
    async fn preference(&self, user_key: &str, name: &str) -> Result<Option<String>, StoreError>;
    async fn set_preference(&self, user_key: &str, name: &str, value: &str) -> Result<(), StoreError>;
}

/// One of the user's own tasks; anyone else's reads as not found.
pub async fn owned(portal: &Portal, auth: &SessionAuth, id: &str) -> Result<Task, AppError> {
    let not_found = || AppError::new(ErrorKind::NotFound, t(Key::ErrExportNotFound));
    if id.is_empty() || id.len() > 64 {
        return Err(not_found());
    }
    let task = portal.tasks.get(id).await.map_err(store_failed)?.ok_or_else(not_found)?;
    if task.owner.user_id != auth.user_id || task.owner.domain_id != auth.domain_id {
        return Err(not_found());
    }
    Ok(task)
}

pub async fn task_status(id: String) -> Result<HistoryRow, AppError> {
    let s = signed_in().await?;
    Ok(owned(&s.portal, &s.auth, &id).await?.row(now_ms()))
}

pub async fn task_history(filter: HistoryFilter) -> Result<HistoryPage, AppError> {
    if !HISTORY_PAGE_SIZES.contains(&filter.limit()) {
        return Err(AppError::invalid("limit", format!("one of {HISTORY_PAGE_SIZES:?}")));
    }
    let s = signed_in().await?;
    let (tasks, total) =
        s.portal.tasks.list(&s.auth.domain_id, &s.auth.user_id, &filter).await.map_err(store_failed)?;
    let now = now_ms();
    Ok(HistoryPage {
        rows: tasks.iter().map(|t| t.row(now)).collect(),
        total,
        offset: filter.offset(),
        limit: filter.limit(),
        server_now: now,
    })
}
