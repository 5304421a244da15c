//! Server functions answer every error with HTTP 500; this gives each the status its
//! [`AppError`] kind means (400 bad input, 401 signed out, 403, 429, 502…), so scripts, proxies
//! and logs can tell a user's mistake from a server fault. Leptos marks such answers with the
//! `serverfnerror` header. A cloud that refuses the user's own token (401) ends the session
//! here too: the token is dead, and the next page should ask for a sign-in, not fail again.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use app::error::{AppError, ErrorKind};
use tower_sessions::Session;

const SERVER_FN_ERROR: &str = "serverfnerror";
/// Error bodies are a few hundred bytes; anything bigger is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_error_kind(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR || !resp.headers().contains_key(SERVER_FN_ERROR) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = error.retry_after_secs.filter(|_| parts.status == StatusCode::TOO_MANY_REQUESTS) {
            parts.headers.insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        let cloud_refused_token = error.kind == ErrorKind::SignedOut && error.cloud_code.is_some();
        if let (true, Some(session)) = (cloud_refused_token, session) {
            if let Err(e) = session.flush().await {
                tracing::warn!(error = %e, "could not end a session whose token the cloud refused");
            } else {
                tracing::info!("the cloud refused a session's token: the session ended");
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
