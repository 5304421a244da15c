//! The background tracker: follows every running task until it succeeds or fails, for all
//! users at once, whatever the number of open pages (pages read the history, never the cloud).
//! It only schedules: what to ask the cloud for each kind of task is `app::ssr::tasks::check`.
//!
//! The database is the queue: each running task carries its next poll time, so a restart picks
//! up where the last process stopped. HSS allows 5 calls a minute per user per API; the tracker
//! spaces one user's status calls to one API by `spacing` (12 s = 5 a minute), however many
//! tasks that user has running, and backs off when the cloud throttles or fails anyway.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::follow::check;
use app::ssr::tasks::{Progress, Task};
use app::ssr::{now_ms, Portal};
use cloud::CloudError;
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

pub const NOTE_SIGN_IN: &str =
    "Waiting for you to sign in again: the sign-in that started this task has expired.";

struct Tracker {
    portal: Arc<Portal>,
    config: TrackerConfig,
    /// When each (user, API) may make its next status call, epoch ms.
    slots: HashMap<(String, &'static str), i64>,
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

/// The least time between two of a user's polls of `task`'s status API: the spacing, times the
/// API's share (APIs the pages also read leave them the other slots).
fn spacing(config: &TrackerConfig, task: &Task) -> Duration {
    config.spacing * task.kind.status_api().share
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
        tracing::info!("task tracker started");
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
            let key = (task.owner.user_key(), task.kind.status_api().name);
            let slot = self.slots.get(&key).copied().unwrap_or(0);
            if slot > now {
                if let Err(e) = self.portal.tasks.defer(&task.id, slot).await {
                    tracing::warn!(error = %e, "tracker could not defer a task");
                }
                continue;
            }
            self.slots.insert(key.clone(), now + ms(spacing(&self.config, &task)));
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
    let gap = spacing(config, &task);
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
    let Some(caller) = task.caller(portal, now) else {
        // Nothing to call with; a new sign-in of this user hands the task a fresh token.
        return outcome(pending(ms(config.max_backoff), Some(NOTE_SIGN_IN.into()), false), None);
    };
    let interval = ((now - task.created_at) / 4).clamp(ms(config.min_interval), ms(config.max_interval));
    let backoff = (ms(config.min_interval) << task.poll_errors.clamp(0, 10)).min(ms(config.max_backoff));

    match check(portal, &caller, &task).await {
        Ok(Some(done)) => outcome(done, None),
        Ok(None) => outcome(pending(interval, None, false), None),
        Err(e) => {
            let (progress, hold) = on_error(&e, config, now, interval, backoff, task.poll_errors);
            if !matches!(progress, Progress::Pending { error: false, .. }) {
                tracing::info!(id = %task.id, error = %e, "task status check failed");
            }
            outcome(progress, hold)
        }
    }
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
