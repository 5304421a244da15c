//! The background tracker: follows every active task until it succeeds or fails, for all users
//! at once, whatever the number of open pages (pages read the history, never the cloud). It
//! only schedules: what to ask the cloud for each kind of task is `app::ssr::follow`.
//!
//! The database is the queue: each active task carries its next look, so a restart picks up
//! where the last process stopped. Each poll starts when it is due, in a long-lived set of
//! futures, with its own short timeout and one quick transport retry (beyond that the tracker
//! has its own back-off), and at most `per_api` polls of one status API at once: an API that
//! hangs delays no other API's tracking at all, and its own by no more than a poll's timeout.
//! Due rows are claimed with a lease past the poll's timeout (one statement; PostgreSQL skips
//! rows another instance holds), so each task is polled by one tracker at a time, and a dead
//! instance's rows come back when their lease runs out.
//!
//! HSS allows 5 calls a minute per user per API; the tracker spaces one user's status calls to
//! one API by `spacing` (12 s = 5 a minute), however many tasks that user has running, and
//! backs off when the cloud throttles or fails anyway. Rows whose create answer was lost
//! (`checking`, or `creating` past the request's claim) are looked up in the cloud first.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use app::dto::tasks::TaskStatus;
use app::ssr::follow::{check, reconcile};
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
    /// A task with no final status this long after its create (or its latest retry) is
    /// recorded as failed.
    pub give_up_after: Duration,
    /// Calls of one status API in flight at once, across users.
    pub per_api: usize,
    /// One poll's limit, its cloud call included.
    pub poll_timeout: Duration,
    /// Finished rows older than this are removed.
    pub retention: Duration,
    /// Audit entries older than this are removed.
    pub audit_retention: Duration,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            spacing: Duration::from_secs(12),
            min_interval: Duration::from_secs(12),
            max_interval: Duration::from_secs(60),
            max_backoff: Duration::from_secs(300),
            give_up_after: Duration::from_secs(24 * 3600),
            per_api: 16,
            poll_timeout: Duration::from_secs(10),
            retention: Duration::from_secs(90 * 24 * 3600),
            audit_retention: Duration::from_secs(400 * 24 * 3600),
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
    let tracker = Tracker {
        portal,
        config,
        slots: HashMap::new(),
        in_flight: HashSet::new(),
        busy: HashMap::new(),
        polls: JoinSet::new(),
        pruned_at: 0,
    };
    TrackerHandle(tokio::spawn(tracker.run()))
}

/// Checks the database at least this often even when nothing woke the tracker.
const IDLE_CHECK_MS: i64 = 30_000;
/// Due tasks read at once.
const ROUND: u32 = 200;
/// A row that found its API's polls all taken looks again this much later (each look is a
/// database write, so not at once).
const CAPPED_RETRY_MS: i64 = 200;
/// How often finished rows past their retention are removed.
const PRUNE_EVERY_MS: i64 = 3_600_000;

pub const NOTE_SIGN_IN: &str =
    "Waiting for you to sign in again: the sign-in that started this task has expired.";

struct Tracker {
    portal: Arc<Portal>,
    config: TrackerConfig,
    /// When each (user, API) may make its next status call, epoch ms.
    slots: HashMap<(String, &'static str), i64>,
    /// Rows whose poll runs now.
    in_flight: HashSet<String>,
    /// Polls running per status API.
    busy: HashMap<&'static str, usize>,
    polls: JoinSet<Outcome>,
    pruned_at: i64,
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

/// The service a status API belongs to (its name's prefix): the unit of the concurrency cap.
fn service_of(task: &Task) -> &'static str {
    let name = task.kind.status_api().name;
    name.split('_').next().unwrap_or(name)
}

impl Tracker {
    async fn run(mut self) {
        tracing::info!("task tracker started");
        loop {
            let capped = self.start_due().await;
            self.prune().await;
            let now = now_ms();
            let next = self.portal.tasks.next_due().await.ok().flatten();
            let mut wait = next.map_or(IDLE_CHECK_MS, |t| (t - now).clamp(0, IDLE_CHECK_MS)).max(20);
            if capped {
                // A finished poll wakes the loop; this only bounds the wait.
                wait = wait.max(CAPPED_RETRY_MS);
            }
            self.slots.retain(|_, at| *at > now);
            tokio::select! {
                Some(done) = self.polls.join_next(), if !self.polls.is_empty() => match done {
                    Ok(done) => self.finish(done).await,
                    Err(e) => tracing::error!(error = %e, "a status poll panicked"),
                },
                _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
                _ = self.portal.tracker.notified() => {}
            }
            // Everything else that finished meanwhile, without waiting.
            while let Some(done) = self.polls.try_join_next() {
                match done {
                    Ok(done) => self.finish(done).await,
                    Err(e) => tracing::error!(error = %e, "a status poll panicked"),
                }
            }
        }
    }

    /// Starts a poll for every due row whose user slot and service allow it; the rest waits for
    /// its slot. Says whether any waits only for the service cap.
    async fn start_due(&mut self) -> bool {
        let now = now_ms();
        // The row is not due again while its poll runs (nor, after a crash, before the poll
        // would have timed out); other instances skip it.
        let lease = now + ms(self.config.poll_timeout) + 1_000;
        let due = match self.portal.tasks.claim_due(now, lease, ROUND).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "tracker could not read the active tasks");
                return false;
            }
        };
        let mut capped = false;
        for task in due {
            let service = service_of(&task);
            let key = (task.owner.user_key(), task.kind.status_api().name);
            let slot = self.slots.get(&key).copied().unwrap_or(0);
            let full = self.busy.get(key.1).copied().unwrap_or(0) >= self.config.per_api;
            let wait_until = if self.in_flight.contains(&task.id) {
                Some(lease)
            } else if full {
                capped = true;
                Some(now + CAPPED_RETRY_MS)
            } else {
                (slot > now).then_some(slot)
            };
            if let Some(at) = wait_until {
                if let Err(e) = self.portal.tasks.defer(&task.id, at).await {
                    tracing::warn!(error = %e, "tracker could not defer a task");
                }
                continue;
            }
            self.slots.insert(key.clone(), now + ms(spacing(&self.config, &task)));
            self.in_flight.insert(task.id.clone());
            *self.busy.entry(key.1).or_default() += 1;
            let (portal, config) = (self.portal.clone(), self.config.clone());
            self.polls.spawn(async move { poll(&portal, &config, task, key, service).await });
        }
        capped
    }

    async fn finish(&mut self, done: Outcome) {
        self.in_flight.remove(&done.id);
        if let Some(n) = self.busy.get_mut(done.key.1) {
            *n = n.saturating_sub(1);
        }
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

    /// Removes finished rows past their retention, once an hour.
    async fn prune(&mut self) {
        let now = now_ms();
        if now - self.pruned_at < PRUNE_EVERY_MS {
            return;
        }
        self.pruned_at = now;
        match self.portal.tasks.prune(now - ms(self.config.retention)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "pruned finished tasks past their retention"),
            Err(e) => tracing::warn!(error = %e, "could not prune finished tasks"),
        }
        prune_audit(&self.portal, now - ms(self.config.audit_retention)).await;
    }
}

/// Removes audit entries older than `before` and records that it did (only the instance whose
/// delete found rows writes the entry).
pub async fn prune_audit(portal: &Portal, before: i64) {
    use app::dto::audit::AuditAction;
    use app::ssr::audit::{target, Actor, Outcome, Record};
    match portal.audit.prune(before).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(entries = n, "pruned audit entries past their retention");
            let actor =
                Actor { user_name: "secportal".into(), client: "retention".into(), ..Default::default() };
            let params = serde_json::json!({"removed": n, "older_than_ms": before});
            Record {
                actor: &actor,
                action: AuditAction::AuditPrune,
                target: target("audit", "", ""),
                params,
            }
            .write(portal, Outcome::ok())
            .await;
        }
        Err(e) => tracing::warn!(error = %e, "could not prune the audit log"),
    }
}

/// One status call for one task, and what it means.
async fn poll(
    portal: &Portal,
    config: &TrackerConfig,
    task: Task,
    key: (String, &'static str),
    service: &'static str,
) -> Outcome {
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

    if now - task.clock_from > ms(config.give_up_after) {
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
    let interval = ((now - task.clock_from) / 4).clamp(ms(config.min_interval), ms(config.max_interval));
    // An unreachable or failing cloud is looked at again no later than a healthy task would be
    // (the longest interval): once it recovers, rows catch up within one interval, not after
    // a back-off that grew during the outage. Throttling waits longer (`on_error`).
    let backoff = (ms(config.min_interval) << task.poll_errors.clamp(0, 10)).min(ms(config.max_interval));

    let lost_answer = matches!(task.status, TaskStatus::Creating | TaskStatus::Checking);
    let looked = tokio::time::timeout(config.poll_timeout, async {
        if lost_answer {
            reconcile(portal, &caller, &task).await.map(Some)
        } else {
            check(portal, &caller, &task).await
        }
    })
    .await
    .unwrap_or(Err(CloudError::Timeout { service }));
    match looked {
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
