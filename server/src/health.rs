use axum::extract::State;
use axum::http::StatusCode;

use crate::storage::Storage;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the stores answer too (the database; Redis in cluster mode).
pub async fn readyz(State(storage): State<Storage>) -> (StatusCode, &'static str) {
    match storage.ready().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "a store is not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}
