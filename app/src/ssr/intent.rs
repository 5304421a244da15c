//! Exactly one cloud task per click. A create (an export, a scan, a retry) first writes its
//! intent row under the idempotency key the form was given when it was shown, then calls the
//! cloud, then fills in the cloud's id. The same key again answers that row without a second
//! cloud call. When the cloud's answer is lost (a timeout, a broken connection, a 5xx after the
//! request left), the row becomes `checking` and the tracker looks the task up in the cloud
//! before anyone may start it again; a crash between the call and the update leaves a
//! `creating` row that the tracker treats the same way once the request's claim has run out.

use std::future::Future;

use cloud::CloudError;

use super::audit;
use super::session::SignedIn;
use super::tasks::{Begun, NewTask, Task, FIRST_POLL_MS};
use super::{from_cloud, now_ms, store_failed};
use crate::dto::audit::{AuditAction, AuditResult};
use crate::dto::tasks::{Created, TaskKind};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};

/// What the cloud's create answered.
pub struct Started {
    pub cloud_task_id: String,
    /// A DSC export's start time, which tells it from the job's other exports.
    pub export_ref: Option<String>,
    /// HSS's count of records in a local-image export.
    pub record_total_num: Option<i64>,
}

/// What a create works on, as far as it is known before the cloud answers.
pub enum Target {
    /// A new task: the cloud names it.
    New,
    /// A DSC export of this scan job. DSC keeps one export per job, so only one may be active:
    /// another one of the portal's, by anyone, refuses this create.
    Job(String),
    /// A retry of this scan task: its row, if the portal has one, runs again.
    Retry(String),
}

/// The longest idempotency key; the forms send a UUID.
const KEY_MAX: usize = 64;

/// How long a creating request owns its row: the cloud's whole-request timeout (three reads
/// may precede the create) and a margin. Only then may the tracker decide the request died.
pub fn claim_ms(portal: &super::Portal) -> i64 {
    portal.cloud.request_timeout().as_millis() as i64 * 2 + 15_000
}

/// The row says this while the tracker finds out whether the cloud made the task.
pub const NOTE_CHECKING: &str =
    "The cloud did not answer clearly; the portal is checking whether it created the task.";

pub fn check_key(key: &str) -> Result<(), AppError> {
    let ok = (8..=KEY_MAX).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid("idempotency_key", format!("8 to {KEY_MAX} letters, digits, - or _")))
    }
}

/// Runs `create` once for `key`: the intent row first, then the cloud call, then the row's
/// cloud id. The answer is the row, whatever state it reached.
pub async fn create_once(
    s: &SignedIn,
    kind: TaskKind,
    key: &str,
    summary: String,
    params: &impl serde::Serialize,
    target: Target,
    create: impl Future<Output = Result<Started, CloudError>>,
) -> Result<Created, AppError> {
    check_key(key)?;
    let action = match (&target, kind.has_file()) {
        (Target::Retry(_), _) => AuditAction::ScanRetry,
        (_, true) => AuditAction::ExportCreate,
        (_, false) => AuditAction::ScanCreate,
    };
    let audit_params = serde_json::to_value(params).unwrap_or_default();
    let audit_name = summary.clone();
    let done = create_new(s, kind, key, summary, params, target, create).await;
    let (created, outcome) = match done {
        // The same key again: the first request's entry stands.
        Ok(Done::Again(created)) => return Ok(created),
        Ok(Done::New(created, outcome)) => (Ok(created), outcome),
        Err(e) => {
            let outcome = audit::Outcome::of_error(&e);
            (Err(e), outcome)
        }
    };
    // Scans are found by the cloud's task id (their page's), exports by the history row's.
    let id = match &created {
        Ok(c) if !kind.has_file() => {
            c.row.href.as_deref().and_then(|h| h.rsplit('/').next()).unwrap_or(&c.row.id)
        }
        Ok(c) => c.row.id.as_str(),
        Err(_) => "",
    }
    .to_string();
    let target = audit::target(kind.as_str(), &id, &audit_name);
    audit::Record { actor: &s.actor(), action, target, params: audit_params }.write(&s.portal, outcome).await;
    created
}

/// What a create came to: a repeat of a key, or a new row and how its cloud call went.
enum Done {
    Again(Created),
    New(Created, audit::Outcome),
}

async fn create_new(
    s: &SignedIn,
    kind: TaskKind,
    key: &str,
    summary: String,
    params: &impl serde::Serialize,
    target: Target,
    create: impl Future<Output = Result<Started, CloudError>>,
) -> Result<Done, AppError> {
    let portal = &s.portal;
    let now = now_ms();
    let intent = NewTask {
        owner: s.auth.owner(),
        kind,
        summary,
        params: serde_json::to_string(params).unwrap_or_default(),
        retry: matches!(target, Target::Retry(_)),
        cloud_task_id: match &target {
            Target::New => String::new(),
            Target::Job(id) | Target::Retry(id) => id.clone(),
        },
        sealed_token: s.auth.sealed_token.clone(),
        token_expires_at: s.auth.token_expires_at,
    };
    let intent_retry = intent.retry;
    let task =
        match portal.tasks.begin(intent, key, now, now + claim_ms(portal)).await.map_err(store_failed)? {
            Begun::Again(task) => {
                return Ok(Done::Again(Created { row: task.row(now), record_total_num: None }))
            }
            Begun::New(task) => task,
        };
    if let Target::Job(job) = &target {
        let owner = &task.owner;
        let active = portal.tasks.active_on(&owner.domain_id, &owner.project_id, kind, job).await;
        let others = active.map_err(store_failed)?.into_iter().filter(|t| t.id != task.id).count();
        if others > 0 {
            portal.tasks.abandon(&task.id, false, now).await.map_err(store_failed)?;
            return Err(AppError::new(ErrorKind::Conflict, t(Key::ErrDscExportRunning)));
        }
    }
    match create.await {
        Ok(started) => {
            let now = now_ms();
            portal
                .tasks
                .started(
                    &task.id,
                    &started.cloud_task_id,
                    started.export_ref.as_deref(),
                    now,
                    now + FIRST_POLL_MS,
                )
                .await
                .map_err(store_failed)?;
            portal.tracker.notify_one();
            metrics::counter!("secportal_tasks_created_total", "kind" => kind.as_str()).increment(1);
            tracing::info!(user = %s.auth.user_name, kind = kind.as_str(), id = %task.id, "task created");
            let created =
                Created { row: reread(s, &task).await?, record_total_num: started.record_total_num };
            Ok(Done::New(created, audit::Outcome::ok()))
        }
        Err(e) if e.may_have_reached() => {
            let now = now_ms();
            tracing::warn!(user = %s.auth.user_name, kind = kind.as_str(), id = %task.id, error = %e,
                "create answer lost; the tracker will look the task up");
            portal
                .tasks
                .unclear(&task.id, NOTE_CHECKING, now, now + FIRST_POLL_MS)
                .await
                .map_err(store_failed)?;
            portal.tracker.notify_one();
            let created = Created { row: reread(s, &task).await?, record_total_num: None };
            let unclear = audit::Outcome {
                result: AuditResult::Unclear,
                error_code: Some(match &e {
                    CloudError::Api { code, .. } => code.clone(),
                    _ => "answer_lost".to_string(),
                }),
                cloud_request_id: e.request_id().map(str::to_string),
            };
            Ok(Done::New(created, unclear))
        }
        Err(e) => {
            if let Err(store) = portal.tasks.abandon(&task.id, intent_retry, now_ms()).await {
                tracing::error!(error = %store, id = %task.id, "could not drop a refused intent");
            }
            Err(from_cloud(e))
        }
    }
}

async fn reread(s: &SignedIn, task: &Task) -> Result<crate::dto::tasks::HistoryRow, AppError> {
    let now = now_ms();
    let fresh = s.portal.tasks.get(&task.id).await.map_err(store_failed)?;
    Ok(fresh.unwrap_or_else(|| task.clone()).row(now))
}
