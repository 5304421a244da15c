//! Limits every request meets before any handler: a body limit (64 KiB; the IaC upload route
//! takes ten 1 MiB files), answered 413 in the portal's JSON error shape with the limit in the
//! message, and bodies cut off at the limit whatever they declare.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::BodyExt;

use app::error::{AppError, ErrorKind};

/// Every route but the upload: forms and JSON inputs are a few KiB.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The IaC upload: ten files of up to 1 MiB as multipart, with room for the parts' headers (the
/// nginx configs say the same 12m); the handler refuses a file past 1 MiB as soon as it passes.
pub const UPLOAD_LIMIT: usize = 12 * 1024 * 1024;
pub const UPLOAD_PATH: &str = "/api/scans/upload";

fn limit_for(path: &str) -> usize {
    if path == UPLOAD_PATH {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    }
}

fn kib(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{} KiB", n / 1024)
    }
}

pub fn too_large(limit: usize) -> Response {
    let message = format!(
        "The request is larger than the portal accepts ({} here; IaC uploads take up to ten files of 1 MiB).",
        kib(limit)
    );
    (StatusCode::PAYLOAD_TOO_LARGE, Json(AppError::new(ErrorKind::TooLarge, message))).into_response()
}

/// The upload takes multipart only: anything else is refused before its body is read (server_fn
/// would otherwise fail on the missing boundary).
fn unsupported_upload(req: &Request) -> Option<Response> {
    if req.uri().path() != UPLOAD_PATH {
        return None;
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if multer::parse_boundary(content_type).is_ok() {
        return None;
    }
    let e = AppError::invalid(
        "files",
        "The upload is sent as multipart/form-data (a file_type field and file parts).",
    );
    Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(e)).into_response())
}

pub async fn limit_body(req: Request, next: Next) -> Response {
    let limit = limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    if let Some(refused) = unsupported_upload(&req) {
        return refused;
    }
    // A body without a length (or lying about it) stops at the limit all the same, and the
    // answer says so whatever the handler made of the cut-off body.
    let cut = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = http_body_util::Limited::new(body, limit).map_err({
        let cut = cut.clone();
        move |e| {
            if e.is::<http_body_util::LengthLimitError>() {
                cut.store(true, Ordering::Relaxed);
            }
            e
        }
    });
    let resp = next.run(Request::from_parts(parts, Body::new(body))).await;
    if cut.load(Ordering::Relaxed) {
        return too_large(limit);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_route() {
        assert_eq!(limit_for("/api/exports/containers"), 64 * 1024);
        assert_eq!(limit_for(UPLOAD_PATH), 12 * 1024 * 1024);
        assert_eq!(kib(BODY_LIMIT), "64 KiB");
    }
}

/// Longest a server function may take: the cloud client's worst case (a read retried three
/// times at 30 s) and a margin. Downloads stream and are not limited here.
pub const API_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

pub async fn api_timeout(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    match tokio::time::timeout(API_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            let error = AppError::new(
                ErrorKind::Unavailable,
                "The request took too long and was stopped; try again.",
            );
            (StatusCode::GATEWAY_TIMEOUT, Json(error)).into_response()
        }
    }
}

/// A handler that panics answers 500 in the JSON error shape; the connection stays usable.
pub fn panic_answer(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let error = AppError::new(ErrorKind::Internal, "The portal failed on this request; it has been logged.");
    (StatusCode::INTERNAL_SERVER_ERROR, Json(error)).into_response()
}
