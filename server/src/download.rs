//! `GET /exports/{id}/download`: streams an exported file from the cloud through the portal to
//! the browser, chunk by chunk, never holding the whole file. Only the user who created the
//! export may fetch it. A failure is a small page that says what happened and links back.

use app::dto::tasks::TaskStatus;
use app::error::{AppError, ErrorKind};
use app::ssr::exports::fetch_file;
use app::ssr::tasks::owned;
use app::ssr::{from_cloud, now_ms, session, store_failed, AppState, Portal};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use cloud::hss::Download;
use cloud::CloudError;
use tower_sessions::Session;

pub async fn download(State(state): State<AppState>, session: Session, Path(id): Path<String>) -> Response {
    match stream(&state.portal, &session, &id).await {
        Ok(resp) => resp,
        Err(e) => error_page(&e),
    }
}

fn refused(kind: ErrorKind, message: &str) -> AppError {
    AppError::new(kind, message)
}

async fn stream(portal: &Portal, session: &Session, id: &str) -> Result<Response, AppError> {
    let auth = session::current(session).await.ok_or_else(AppError::signed_out)?;
    let task = owned(portal, &auth, id).await?;
    if !task.kind.has_file() || task.status != TaskStatus::Success {
        return Err(refused(
            ErrorKind::Invalid,
            "This export has no file: it has not finished, or it failed.",
        ));
    }
    if !task.downloadable(now_ms()) {
        return Err(refused(
            ErrorKind::NotFound,
            "The file is no longer available. Export again to get a fresh one.",
        ));
    }
    if task.owner.project_id != auth.project_id {
        return Err(refused(
            ErrorKind::Invalid,
            &format!(
                "This export belongs to project {}; sign in to that project to download it.",
                task.owner.region
            ),
        ));
    }
    let caller = auth.caller(portal)?;
    let download = match fetch_file(portal, &caller, &task).await {
        Ok(d) => d,
        Err(e) if gone(&e) => {
            portal.tasks.mark_file_gone(&task.id).await.map_err(store_failed)?;
            return Err(AppError {
                request_id: e.request_id().map(str::to_string),
                ..refused(
                    ErrorKind::NotFound,
                    "The cloud no longer has this file. Export again to get a fresh one.",
                )
            });
        }
        Err(e) => return Err(from_cloud(e)),
    };
    let name = download
        .file_name
        .clone()
        .or(task.file_name.clone())
        .unwrap_or_else(|| format!("export-{}.zip", task.id));
    tracing::info!(user = %auth.user_name, id = %task.id, file = %name, "download started");
    Ok(attachment(download, &name))
}

/// HSS answers a dropped file with HSS.0011 (or 404); OBS with 404.
fn gone(e: &CloudError) -> bool {
    matches!(e, CloudError::Api { status: 404 | 410, .. })
        || matches!(e, CloudError::Api { code, .. } if code == "HSS.0011")
}

fn attachment(download: Download, name: &str) -> Response {
    let content_type = if name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else if name.ends_with(".zip") {
        "application/zip"
    } else {
        "application/octet-stream"
    };
    let counted = futures_util::StreamExt::inspect(download.body, |piece| {
        if let Ok(bytes) = piece {
            metrics::counter!("secportal_download_bytes_total").increment(bytes.len() as u64);
        }
    });
    let mut resp = Body::from_stream(counted).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = download.content_length {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    resp
}

/// RFC 5987's `attr-char` kept as is; everything else (quotes, slashes, control characters,
/// non-ASCII) percent-encoded.
const ATTR_CHAR: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback for old clients, the exact
/// name (RFC 5987) for the rest. Quotes, slashes and control characters never pass.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '/' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, ATTR_CHAR);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A plain page (no script) for a download that could not start: the browser shows it instead
/// of a broken file.
fn error_page(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let meta = [("Error code", &e.cloud_code), ("Request ID", &e.request_id)]
        .iter()
        .filter_map(|(label, v)| {
            v.as_ref().map(|v| format!("<p class=\"error-meta\">{label} <code>{}</code></p>", escape(v)))
        })
        .collect::<String>();
    let action = if e.kind == ErrorKind::SignedOut {
        "<a class=\"button\" href=\"/login?next=/history\">Sign in again</a>"
    } else {
        "<a class=\"button\" href=\"/history\">Back to history</a>"
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Download failed · SecPortal</title>\
         <link rel=\"stylesheet\" href=\"/pkg/secportal.css\"></head><body><main class=\"page narrow\">\
         <h1>Download failed</h1><div class=\"error-box\" role=\"alert\"><p class=\"error-message\">{}</p>{meta}</div>\
         <p>{action}</p></main></body></html>",
        escape(&e.message)
    );
    (status, Html(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_is_safe_and_exact() {
        assert_eq!(
            content_disposition("hss-container-list-1a2b.zip"),
            "attachment; filename=\"hss-container-list-1a2b.zip\"; filename*=UTF-8''hss-container-list-1a2b.zip"
        );
        let tricky = content_disposition("a\"b/\r\n分类.xlsx");
        assert!(tricky.starts_with("attachment; filename=\"a_b_____.xlsx\""), "{tricky}");
        assert!(tricky.ends_with("UTF-8''a%22b%2F%0D%0A%E5%88%86%E7%B1%BB.xlsx"), "{tricky}");
    }
}
