//! `GET /audit/export.csv` and `GET /audit/export.xlsx`: the audit entries the page's filters
//! match, read a few hundred at a time (keyset paging), so any number of them costs bounded
//! memory. The CSV streams as it is read; the XLSX is written by rust_xlsxwriter in constant-
//! memory mode (rows go to an unlinked temporary file as they come) and its zip goes straight
//! into the response. The reader's scope is the page's: their own entries, or the account's for
//! an administrator.

use app::dto::audit::{AuditEntry, AuditFilter};
use app::ssr::audit::{scope_for, AuditScope, AuditStore};
use app::ssr::{session, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tower_sessions::Session;

mod xlsx;

/// Entries read from the store at a time.
const BATCH: u32 = 500;

pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "time_utc",
    "account",
    "account_id",
    "user",
    "user_id",
    "project_id",
    "region",
    "client",
    "action",
    "target_kind",
    "target_id",
    "target_name",
    "parameters",
    "result",
    "error_code",
    "cloud_request_id",
    "request_id",
    "session_hash",
];

/// What an export reads: the store and the signed-in reader's scope; signed out, 401.
async fn reader(
    state: &AppState,
    session: &Session,
    format: &str,
) -> Result<(Arc<dyn AuditStore>, AuditScope), Response> {
    let Some(auth) = session::current(session).await else {
        return Err((StatusCode::UNAUTHORIZED, "Sign in to export the audit log.").into_response());
    };
    tracing::info!(user = %auth.user_name, format, "audit export started");
    Ok((state.portal.audit.clone(), scope_for(&state.portal, &auth)))
}

fn attachment(content_type: &str, extension: &str, body: Body) -> Response {
    let name = format!("secportal-audit-{}.{extension}", app::ssr::now_ms() / 1000);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

pub async fn export_csv(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    match reader(&state, &session, "csv").await {
        Ok((store, scope)) => {
            attachment("text/csv; charset=utf-8", "csv", Body::from_stream(csv(store, scope, filter)))
        }
        Err(refused) => refused,
    }
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    match reader(&state, &session, "xlsx").await {
        Ok((store, scope)) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            Body::from_stream(xlsx::stream(store, scope, filter)),
        ),
        Err(refused) => refused,
    }
}

/// The matching entries in batches, newest first; a store failure ends the stream with an
/// error, so the download is seen to fail.
fn batches(
    store: Arc<dyn AuditStore>,
    scope: AuditScope,
    filter: AuditFilter,
) -> impl futures_util::Stream<Item = Result<Vec<AuditEntry>, std::io::Error>> + Send {
    // (before, done)
    futures_util::stream::unfold((None::<i64>, false), move |(before, done)| {
        let (store, scope, filter) = (store.clone(), scope.clone(), filter.clone());
        async move {
            if done {
                return None;
            }
            match store.before(&scope, &filter, before, BATCH).await {
                Ok(entries) => {
                    let last = entries.len() < BATCH as usize;
                    let next = entries.last().map(|e| e.id).or(before);
                    Some((Ok(entries), (next, last)))
                }
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed");
                    Some((Err(std::io::Error::other(e.to_string())), (before, true)))
                }
            }
        }
    })
}

/// The CSV: the header, then each batch as it is read.
fn csv(
    store: Arc<dyn AuditStore>,
    scope: AuditScope,
    filter: AuditFilter,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    use futures_util::StreamExt;
    let header = Bytes::from(format!("{}\r\n", CSV_COLUMNS.join(",")));
    futures_util::stream::once(async move { Ok(header) })
        .chain(batches(store, scope, filter).map(|b| b.map(|entries| Bytes::from(csv_batch(&entries)))))
}

fn csv_batch(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = String::new();
    for e in entries {
        let fields = row(e);
        let cells: Vec<String> = fields.iter().map(|f| cell(f)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One entry's values in `CSV_COLUMNS` order.
pub fn row(e: &AuditEntry) -> Vec<String> {
    vec![
        e.id.to_string(),
        utc(e.at),
        e.domain_name.clone(),
        e.domain_id.clone(),
        e.user_name.clone(),
        e.user_id.clone(),
        e.project_id.clone(),
        e.region.clone(),
        e.client.clone(),
        e.action.as_str().to_string(),
        e.target.kind.clone(),
        e.target.id.clone(),
        e.target.name.clone(),
        e.params.clone(),
        e.result.as_str().to_string(),
        e.error_code.clone().unwrap_or_default(),
        e.cloud_request_id.clone().unwrap_or_default(),
        e.request_id.clone(),
        e.session_hash.clone(),
    ]
}

/// RFC 3339 UTC with milliseconds.
fn utc(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// A CSV cell (RFC 4180 quoting). Text a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, tab, CR at the start) gets a leading `'`: names come from users and the cloud.
fn cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\"\r\nbye"), "\"say \"\"hi\"\"\r\nbye\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(utc(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
    }
}
