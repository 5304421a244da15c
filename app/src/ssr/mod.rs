//! Server-only half of the app: state, sessions, the token vault and the mapping of cloud errors.

pub mod auth;
mod cloud_error;
pub mod session;
pub mod vault;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::error::AppError;

/// Everything a server function may need, provided as Leptos context and as axum state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub portal: Arc<Portal>,
}

/// The portal's long-lived services.
pub struct Portal {
    pub cloud: cloud::CloudClient,
    pub vault: vault::TokenVault,
    /// Demo mode (the cloud is the in-process emulator) and its sign-in data.
    pub demo: Option<crate::dto::DemoLogin>,
    /// A session ends after this long even when in use (and never after the token's expiry).
    pub session_max_lifetime: Duration,
}

pub fn portal() -> Arc<Portal> {
    expect_context::<AppState>().portal
}

/// Sets the HTTP status of a failed server function from its error, so scripts and proxies see
/// 400/401/403 rather than a blanket 500.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                axum::http::StatusCode::from_u16(e.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

pub use cloud_error::from_cloud;
