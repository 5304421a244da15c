//! The background tracker: follows every running export until it succeeds or fails, for all
//! users at once, whatever the number of open pages (pages read the history, never the cloud).
//!
//! The database is the queue: each running task carries its next poll time, so a restart picks
//! up where the last process stopped. HSS allows 5 calls a minute per user per API; the tracker
//! spaces one user's status calls to one API by `spacing` (12 s = 5 a minute), however many
//! tasks that user has running, and backs off when the cloud throttles or fails anyway.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::dto::exports::TaskKind;
use app::ssr::history::{Progress, Task};
use app::ssr::lists::list_key;
use app::ssr::scans::{task_key, TASK_SNAPSHOT};
use app::ssr::{now_ms, Portal};
use cloud::dsc::ExportStatus;
use cloud::hss::{ExportTaskStatus, TaskQuery, TaskStatus as ScanStatus, TaskType};
use cloud::{Caller, CloudError, Credentials};
use tokio::task::JoinSet;

#[derive(Clone, Debug)]
pub struct TrackerConfig {
    /// Least time between two status calls of one user to one API.
    pub spacing: Duration,
    /// Least time between two polls of one task (the reference asks for at least 12 s).
    pub min_interval: Duration,
    /// Longest time between two polls of a long-running task.
    pub max_interval: Duration,
    /// Longest wait after failures.
    pub max_backoff: Duration,
    /// A task with no final status after this long is recorded as failed.
    pub give_up_after: Duration,
    /// Status calls in flight at once, across users.
    pub concurrency: usize,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            spacing: Duration::from_secs(12),
            min_interval: Duration::from_secs(12),
            max_interval: Duration::from_secs(60),
            max_backoff: Duration::from_secs(300),
            give_up_after: Duration::from_secs(24 * 3600),
            concurrency: 8,
        }
    }
}

/// Stops the tracker when dropped (a test's portal, or the server at shutdown).
pub struct TrackerHandle(tokio::task::JoinHandle<()>);

impl Drop for TrackerHandle {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub fn spawn(portal: Arc<Portal>, config: TrackerConfig) -> TrackerHandle {
    TrackerHandle(tokio::spawn(Tracker { portal, config, slots: HashMap::new() }.run()))
}

/// Checks the database at least this often even when nothing woke the tracker.
const IDLE_CHECK_MS: i64 = 30_000;
/// Running tasks taken per round.
const ROUND: u32 = 200;

/// How long a scan task's page may show the tracker's last snapshot: past the tracker's longest
/// wait between two looks, so while it follows a task the page never asks the cloud itself.
const SNAPSHOT_TTL: Duration = Duration::from_secs(150);

pub const NOTE_SIGN_IN: &str =
    "Waiting for you to sign in again: the sign-in that started this export has expired.";

struct Tracker {
    portal: Arc<Portal>,
    config: TrackerConfig,
    /// When each (user, API) may make its next status call, epoch ms.
    slots: HashMap<(String, &'static str), i64>,
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

/// The task list API also serves the scan pages: the tracker takes half the user's budget for
/// it, so pages opened meanwhile still get their calls.
fn spacing(config: &TrackerConfig, kind: TaskKind) -> Duration {
    match kind {
        TaskKind::ClusterScan | TaskKind::IacScan => config.spacing * 2,
        _ => config.spacing,
    }
}

fn api(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::HssContainers | TaskKind::HssLocalVuls => "hss_export_status",
        TaskKind::DscResults => "dsc_export_status",
        TaskKind::ClusterScan | TaskKind::IacScan => "hss_list_tasks",
    }
}

/// What a poll asks of the user's next slot besides the normal spacing.
struct Outcome {
    id: String,
    progress: Progress,
    /// The cloud or the client limiter said to hold off this user's calls until then.
    hold_until: Option<i64>,
    key: (String, &'static str),
    /// This API's spacing for this user, counted again from when the answer came.
    spacing: Duration,
}

impl Tracker {
    async fn run(mut self) {
        tracing::info!("export tracker started");
        loop {
            let now = now_ms();
            match self.portal.tasks.due(now, ROUND).await {
                Ok(due) if !due.is_empty() => self.round(due).await,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "tracker could not read the running tasks"),
            }
            let next = self.portal.tasks.next_due().await.ok().flatten();
            let wait = next.map_or(IDLE_CHECK_MS, |t| (t - now_ms()).clamp(0, IDLE_CHECK_MS)).max(20);
            self.slots.retain(|_, at| *at > now);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
                _ = self.portal.tracker.notified() => {}
            }
        }
    }

    /// Polls what is due, each user's calls spaced by their slot; the rest waits for its slot.
    async fn round(&mut self, due: Vec<Task>) {
        let mut polls = JoinSet::new();
        for task in due {
            let now = now_ms();
            let key = (format!("{}/{}", task.owner.domain_id, task.owner.user_id), api(task.kind));
            let slot = self.slots.get(&key).copied().unwrap_or(0);
            if slot > now {
                if let Err(e) = self.portal.tasks.defer(&task.id, slot).await {
                    tracing::warn!(error = %e, "tracker could not defer a task");
                }
                continue;
            }
            self.slots.insert(key.clone(), now + ms(spacing(&self.config, task.kind)));
            if polls.len() >= self.config.concurrency {
                if let Some(Ok(done)) = polls.join_next().await {
                    self.finish(done).await;
                }
            }
            let (portal, config) = (self.portal.clone(), self.config.clone());
            polls.spawn(async move { poll(&portal, &config, task, key).await });
        }
        while let Some(done) = polls.join_next().await {
            match done {
                Ok(done) => self.finish(done).await,
                Err(e) => tracing::error!(error = %e, "a status poll panicked"),
            }
        }
    }

    async fn finish(&mut self, done: Outcome) {
        // The cloud counts calls as they arrive. A call that was slow to leave (a busy runtime, a
        // slow connection) would arrive closer than `spacing` to the next one if the slot only
        // counted from when it was sent, so the next call also waits a full spacing after this
        // answer.
        let slot = self.slots.entry(done.key).or_insert(0);
        *slot = (*slot).max(now_ms() + ms(done.spacing)).max(done.hold_until.unwrap_or(0));
        if let Err(e) = self.portal.tasks.record(&done.id, done.progress, now_ms()).await {
            tracing::warn!(error = %e, id = %done.id, "tracker could not record a poll");
        }
    }
}

/// One status call for one task, and what it means.
async fn poll(portal: &Portal, config: &TrackerConfig, task: Task, key: (String, &'static str)) -> Outcome {
    let now = now_ms();
    let id = task.id.clone();
    let pending = |after: i64, note: Option<String>, error: bool| Progress::Pending {
        next_poll_at: now + after,
        note,
        error,
    };
    let gap = spacing(config, task.kind);
    let outcome = |progress, hold_until| Outcome {
        id: id.clone(),
        progress,
        hold_until,
        key: key.clone(),
        spacing: gap,
    };

    if now - task.created_at > ms(config.give_up_after) {
        let reason = format!(
            "No final status from the cloud within {} h; the portal stopped checking.",
            config.give_up_after.as_secs() / 3600
        );
        return outcome(Progress::Failed { reason }, None);
    }
    let token = match task.sealed_token.as_deref().filter(|_| task.token_expires_at * 1000 > now) {
        Some(sealed) => portal.vault.open(sealed).ok(),
        None => None,
    };
    let Some(token) = token else {
        // Nothing to call with; a new sign-in of this user hands the task a fresh token.
        return outcome(pending(ms(config.max_backoff), Some(NOTE_SIGN_IN.into()), false), None);
    };
    let caller = Caller {
        region: task.owner.region.clone(),
        project_id: task.owner.project_id.clone(),
        credentials: Credentials::Token(token),
    };
    let interval = ((now - task.created_at) / 4).clamp(ms(config.min_interval), ms(config.max_interval));
    let backoff = (ms(config.min_interval) << task.poll_errors.clamp(0, 10)).min(ms(config.max_backoff));

    let answer = match task.kind {
        TaskKind::HssContainers | TaskKind::HssLocalVuls => {
            portal.cloud.hss_export_status(&caller, &task.cloud_task_id).await.map(|s| match s.task_status {
                ExportTaskStatus::Running => None,
                ExportTaskStatus::Success => {
                    Some(Progress::Succeeded { file_id: s.file_id, file_name: s.file_name })
                }
                ExportTaskStatus::Failure => Some(Progress::Failed {
                    reason: format!(
                        "HSS reported the export as failed (task {}). Try again, perhaps with fewer rows; \
                         if it keeps failing, give Huawei Cloud support the task id {}.",
                        if s.task_name.is_empty() { &s.task_id } else { &s.task_name },
                        s.task_id
                    ),
                }),
            })
        }
        TaskKind::DscResults => {
            portal.cloud.dsc_export_status(&caller, &task.cloud_task_id).await.map(|s| match s.status {
                ExportStatus::Finished => Some(Progress::Succeeded {
                    file_id: None,
                    file_name: Some(s.file_name).filter(|n| !n.is_empty()),
                }),
                ExportStatus::Failed => Some(Progress::Failed {
                    reason: format!("DSC reported the export of job {} as failed. Try again.", s.job_name),
                }),
                ExportStatus::Running | ExportStatus::Other(_) => None,
            })
        }
        TaskKind::ClusterScan | TaskKind::IacScan => {
            let task_type =
                if task.kind == TaskKind::ClusterScan { TaskType::ClusterScan } else { TaskType::IacScan };
            let mut q = TaskQuery::new(task_type);
            q.task_id = Some(task.cloud_task_id.clone());
            portal.cloud.hss_list_tasks(&caller, &q).await.map(|list| {
                let progress = scan_progress(list.data_list.first());
                // The task's page shows this snapshot instead of asking the cloud again.
                let owner = &task.owner;
                let who = task_key(
                    &list_key(&owner.domain_id, &owner.user_id, &owner.project_id),
                    task_type,
                    &task.cloud_task_id,
                );
                portal.scan_cache.put(&who, TASK_SNAPSHOT, list, SNAPSHOT_TTL);
                progress
            })
        }
    };
    match answer {
        Ok(Some(done)) => outcome(done, None),
        Ok(None) => outcome(pending(interval, None, false), None),
        Err(e) => {
            let (progress, hold) = on_error(&e, config, now, interval, backoff, task.poll_errors);
            if !matches!(progress, Progress::Pending { error: false, .. }) {
                tracing::info!(id = %task.id, error = %e, "export status check failed");
            }
            outcome(progress, hold)
        }
    }
}

/// A scan task's state as the history records it: done when HSS says finished; failed when
/// any cluster or file failed (the task page tells which, and offers a retry).
fn scan_progress(task: Option<&cloud::hss::Task>) -> Option<Progress> {
    let Some(t) = task else {
        return Some(Progress::Failed { reason: "HSS no longer lists this task.".into() });
    };
    if t.task_status != ScanStatus::Finished {
        return None;
    }
    let (failed, total, what) = match (&t.cluster_scan_info, &t.iac_scan_info) {
        (Some(c), _) => (c.failed_cluster_num, c.failed_cluster_num + c.success_cluster_num, "clusters"),
        (_, Some(i)) => (i.failed_file_num, i.failed_file_num + i.success_file_num, "files"),
        _ => (0, 0, "items"),
    };
    Some(if failed > 0 {
        Progress::Failed {
            reason: format!("{failed} of {total} {what} failed; open the task to see why and retry."),
        }
    } else {
        Progress::Succeeded { file_id: None, file_name: None }
    })
}

fn on_error(
    e: &CloudError,
    config: &TrackerConfig,
    now: i64,
    interval: i64,
    backoff: i64,
    errors: i64,
) -> (Progress, Option<i64>) {
    let wait_note =
        |what: &str, wait: i64| Some(format!("{what}; next check in {} s.", (wait / 1000).max(1)));
    match e {
        // Our own limiter: not an error, just not yet.
        CloudError::Throttled { retry_after, .. } => {
            let wait = ms(*retry_after).max(interval);
            (
                Progress::Pending { next_poll_at: now + wait, note: None, error: false },
                Some(now + ms(*retry_after)),
            )
        }
        CloudError::Api { status: 429, .. } => {
            // The gateway counts per minute: hold this user's calls for a window, doubling.
            let wait = (ms(config.spacing) * 5 * (1 << errors.clamp(0, 3))).min(ms(config.max_backoff));
            let note = wait_note("The cloud throttled the status check", wait);
            (Progress::Pending { next_poll_at: now + wait, note, error: true }, Some(now + wait))
        }
        CloudError::Api { status: 401, .. } => (
            Progress::Pending {
                next_poll_at: now + ms(config.max_backoff),
                note: Some(NOTE_SIGN_IN.into()),
                error: false,
            },
            None,
        ),
        CloudError::Api { status: 403, code, message, .. } => (
            Progress::Failed {
                reason: format!("Permission denied when checking the status ({code}: {message})."),
            },
            None,
        ),
        CloudError::Api { status: 404, code, message, .. } => (
            Progress::Failed {
                reason: format!("The cloud no longer knows this export ({code}: {message})."),
            },
            None,
        ),
        CloudError::Api { status: 400, code, message, .. } => (
            Progress::Failed { reason: format!("The cloud refused the status check ({code}: {message}).") },
            None,
        ),
        _ => {
            let note = wait_note("The cloud could not be reached", backoff);
            (Progress::Pending { next_poll_at: now + backoff, note, error: true }, None)
        }
    }
}
