//! Server functions answer every error with HTTP 500; this gives each the status its
//! [`AppError`] kind means (400 bad input, 401 signed out, 403, 429, 502…), so scripts, proxies
//! and logs can tell a user's mistake from a server fault. Leptos marks such answers with the
//! `serverfnerror` header.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use app::error::AppError;

const SERVER_FN_ERROR: &str = "serverfnerror";
/// Error bodies are a few hundred bytes; anything bigger is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_error_kind(req: Request, next: Next) -> Response {
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
    }
    Response::from_parts(parts, Body::from(bytes))
}
