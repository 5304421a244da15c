//! Server-only half of the app: the portal's services, sessions, identities, the token vault,
//! caches, tasks and the work behind each server function (one module per area, functions named
//! as in [`crate::api`]).

pub mod audit;
pub mod auth;
pub mod cache;
mod cloud_error;
pub mod csp;
pub mod exports;
pub mod follow;
pub mod identity;
pub mod intent;
pub mod masking;
pub mod scans;
pub mod session;
pub mod sessions;
pub mod tasks;
pub mod vault;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::prelude::*;

/// Everything a server function may need, provided as Leptos context and as axum state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub portal: Arc<Portal>,
}

/// The portal's long-lived services.
pub struct Portal {
    pub cloud: cloud::CloudClient,
    /// The same client (pool, limiter) as the tracker's polls use it: a short timeout and one
    /// quick retry; beyond that the tracker backs off on its own.
    pub poll_cloud: cloud::CloudClient,
    pub vault: vault::TokenVault,
    /// Demo mode (the cloud is the in-process emulator) and its sign-in data.
    pub demo: Option<crate::dto::DemoLogin>,
    /// A session ends after this long even when in use (and never after the token's expiry).
    pub session_max_lifetime: Duration,
    /// Exports and scan tasks created through the portal.
    pub tasks: Arc<dyn tasks::TaskStore>,
    /// What users keep between visits.
    pub preferences: Arc<dyn tasks::PreferenceStore>,
    /// Wakes the background trackers when a task is created or may be polled again.
    pub tracker: Arc<tasks::Wake>,
    /// Short-lived copies of cloud lists, so pickers stay within HSS's 5 calls a minute.
    pub lists: cache::ListCache,
    /// Scan task lists and details, reused for a few seconds per user.
    pub scan_cache: cache::ListCache,
    /// Sign-in tries per client address and per account/user (shared by the instances in
    /// cluster mode).
    pub sign_in_budget: Arc<dyn cloud::limits::CallBudget>,
    /// Every sign-in needs a virtual-MFA passcode (`SECPORTAL_REQUIRE_MFA`).
    pub require_mfa: bool,
    /// The append-only audit log.
    pub audit: Arc<dyn audit::AuditStore>,
    /// Administrators as `account/user`, lower case (`SECPORTAL_ADMINS`): they read every
    /// audit entry of their account.
    pub admins: Vec<String>,
    /// The IAM group whose members administer their account (`SECPORTAL_ADMIN_GROUP`).
    pub admin_group: Option<String>,
    /// Every live session, by account and user: the sessions page lists and ends them.
    pub sessions: Arc<dyn sessions::SessionDirectory>,
}

/// The client's address, worked out by the server from the connection and the trusted proxy
/// hops' `X-Forwarded-For`; a request extension.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

pub fn portal() -> Arc<Portal> {
    expect_context::<AppState>().portal
}

pub use cloud_error::from_cloud;

/// Epoch milliseconds now: history and tracker times.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A store failure as the user reads it (the details go to the log): 503, since it is mostly
/// a busy or unreachable database, and sending the same form again is safe (its idempotency key
/// finds what the first try did).
pub fn store_failed(e: tasks::StoreError) -> crate::error::AppError {
    tracing::error!(error = %e, "task store failed");
    crate::error::AppError::new(
        crate::error::ErrorKind::Unavailable,
        crate::i18n::t(crate::i18n::Key::ErrHistoryStore),
    )
}
