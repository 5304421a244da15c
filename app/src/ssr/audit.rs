//! The audit log: one append-only entry for every sign-in (with its result), sign-out, ended
//! session and change (creates, retries, uploads, masking rules and settings), written where the
//! action's outcome is known, and read back by its owner or an administrator of the account.
//! The server implements the store; nothing here or there can change or delete an entry but the
//! retention pruning, which records itself.

use async_trait::async_trait;

use super::session::{signed_in, SessionAuth};
use super::tasks::StoreError;
use super::{now_ms, store_failed, Portal};
use crate::dto::audit::{
    AuditAction, AuditEntry, AuditFilter, AuditPage, AuditResult, AuditTarget, AUDIT_PAGE_SIZES,
};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};

/// Whose entries a reader may see.
#[derive(Clone, Debug, PartialEq)]
pub enum AuditScope {
    /// One user's own entries.
    Own { domain_id: String, user_id: String },
    /// Everyone's in an account, including sign-ins IAM refused for names typed in it.
    Account { domain_id: String, domain_name: String },
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Adds an entry (its `id` is the store's to give).
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// A page of entries, newest first, and how many match.
    async fn list(
        &self,
        scope: &AuditScope,
        filter: &AuditFilter,
    ) -> Result<(Vec<AuditEntry>, u64), StoreError>;
    /// Up to `limit` matching entries older than entry `before` (all when `None`), newest
    /// first: exports walk the whole match this way in bounded memory.
    async fn before(
        &self,
        scope: &AuditScope,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;
    /// Removes entries older than `before_ms`; says how many went.
    async fn prune(&self, before_ms: i64) -> Result<u64, StoreError>;
}

/// Who acts and from where: what every entry carries about the request.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub domain_id: String,
    pub domain_name: String,
    pub user_id: String,
    pub user_name: String,
    pub project_id: String,
    pub region: String,
    pub client: String,
    pub request_id: String,
    pub session_hash: String,
}

impl Actor {
    pub fn of(auth: &SessionAuth, client: String, request_id: String, session_hash: String) -> Self {
        Self {
            domain_id: auth.domain_id.clone(),
            domain_name: auth.domain_name.clone(),
            user_id: auth.user_id.clone(),
            user_name: auth.user_name.clone(),
            project_id: auth.project_id.clone(),
            region: auth.region().to_string(),
            client,
            request_id,
            session_hash,
        }
    }
}

/// The request's client address and id, read from the request's parts (the server's
/// middleware put them there). Called before the first await.
pub fn request_meta() -> (String, String) {
    // Borrowed in place: cloning the request's parts would copy every header per call.
    leptos::prelude::with_context::<axum::http::request::Parts, _>(|p| {
        let client = p.extensions.get::<super::ClientAddr>().map(|a| a.0.clone());
        let request_id = p.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
        (client.unwrap_or_else(|| "unknown".to_string()), request_id.to_string())
    })
    .unwrap_or_else(|| ("unknown".to_string(), String::new()))
}

/// The request's `User-Agent`, cut to 256 characters (the sessions page shows it).
pub fn user_agent() -> String {
    leptos::prelude::with_context::<axum::http::request::Parts, _>(|p| {
        let agent = p.headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok());
        agent.unwrap_or_default().chars().take(256).collect()
    })
    .unwrap_or_default()
}

/// Ties a session's entries together without storing anything that opens it: the first 16 hex
/// digits of SHA-256 of its id.
pub fn session_hash(session: &tower_sessions::Session) -> String {
    hash_of(session.id())
}

pub fn hash_of(id: Option<tower_sessions::session::Id>) -> String {
    use sha2::Digest;
    let Some(id) = id else { return String::new() };
    let digest = sha2::Sha256::digest(id.to_string().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// How an action ended, for its entry.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub result: AuditResult,
    pub error_code: Option<String>,
    pub cloud_request_id: Option<String>,
}

impl Outcome {
    pub fn ok() -> Self {
        Self { result: AuditResult::Ok, error_code: None, cloud_request_id: None }
    }

    /// A failure as the user was told: the portal's throttle, or what the cloud said.
    pub fn of_error(e: &AppError) -> Self {
        let throttled = e.kind == ErrorKind::Throttled && e.cloud_code.is_none();
        Self {
            result: if throttled { AuditResult::Throttled } else { AuditResult::Failed },
            error_code: Some(e.cloud_code.clone().unwrap_or_else(|| e.kind.as_str().to_string())),
            cloud_request_id: e.request_id.clone(),
        }
    }

    pub fn of<T>(r: &Result<T, AppError>) -> Self {
        match r {
            Ok(_) => Self::ok(),
            Err(e) => Self::of_error(e),
        }
    }
}

/// One entry about to be written.
pub struct Record<'a> {
    pub actor: &'a Actor,
    pub action: AuditAction,
    pub target: AuditTarget,
    /// The parameters that matter (never secrets, never file contents).
    pub params: serde_json::Value,
}

impl Record<'_> {
    /// Appends the entry. A store that fails is logged loudly: the action has happened, and
    /// answering it as failed would invite the user to do it again.
    pub async fn write(self, portal: &Portal, outcome: Outcome) {
        let a = self.actor;
        let entry = AuditEntry {
            id: 0,
            at: now_ms(),
            domain_id: a.domain_id.clone(),
            domain_name: a.domain_name.clone(),
            user_id: a.user_id.clone(),
            user_name: a.user_name.clone(),
            project_id: a.project_id.clone(),
            region: a.region.clone(),
            client: a.client.clone(),
            action: self.action,
            target: self.target,
            params: self.params.to_string(),
            result: outcome.result,
            error_code: outcome.error_code,
            cloud_request_id: outcome.cloud_request_id,
            request_id: a.request_id.clone(),
            session_hash: a.session_hash.clone(),
        };
        if let Err(e) = portal.audit.append(&entry).await {
            tracing::error!(error = %e, action = entry.action.as_str(), request_id = %entry.request_id,
                "AUDIT ENTRY LOST: the audit store failed");
        }
    }
}

pub fn target(kind: &str, id: &str, name: &str) -> AuditTarget {
    AuditTarget { kind: kind.to_string(), id: id.to_string(), name: name.to_string() }
}

/// Whether the user administers their account: `SECPORTAL_ADMINS` names them as
/// `account/user`, or IAM put them in `SECPORTAL_ADMIN_GROUP` at sign-in.
pub fn is_admin(portal: &Portal, auth: &SessionAuth) -> bool {
    let me = format!("{}/{}", auth.domain_name, auth.user_name).to_lowercase();
    auth.group_admin || portal.admins.iter().any(|a| *a == me)
}

/// What the user may read: their own entries, or the account's for an administrator.
pub fn scope_for(portal: &Portal, auth: &SessionAuth) -> AuditScope {
    if is_admin(portal, auth) {
        AuditScope::Account { domain_id: auth.domain_id.clone(), domain_name: auth.domain_name.clone() }
    } else {
        AuditScope::Own { domain_id: auth.domain_id.clone(), user_id: auth.user_id.clone() }
    }
}

pub async fn entries(filter: AuditFilter) -> Result<AuditPage, AppError> {
    if !AUDIT_PAGE_SIZES.contains(&filter.limit()) {
        return Err(AppError::invalid("limit", format!("one of {AUDIT_PAGE_SIZES:?}")));
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            return Err(AppError::invalid("to", t(Key::ErrUntilBeforeFrom)));
        }
    }
    let s = signed_in().await?;
    let scope = scope_for(&s.portal, &s.auth);
    let (entries, total) = s.portal.audit.list(&scope, &filter).await.map_err(store_failed)?;
    Ok(AuditPage {
        entries,
        total,
        offset: filter.offset(),
        limit: filter.limit(),
        admin: matches!(scope, AuditScope::Account { .. }),
    })
}
