//! Server-only half of the app: state, sessions, the token vault and the mapping of cloud errors.

pub mod auth;
mod cloud_error;
pub mod csp;
pub mod masking;
pub mod session;
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
    pub vault: vault::TokenVault,
    /// Demo mode (the cloud is the in-process emulator) and its sign-in data.
    pub demo: Option<crate::dto::DemoLogin>,
    /// A session ends after this long even when in use (and never after the token's expiry).
    pub session_max_lifetime: Duration,
}

pub fn portal() -> Arc<Portal> {
    expect_context::<AppState>().portal
}

pub use cloud_error::from_cloud;
