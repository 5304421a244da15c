//! The control API under `/_emulator/` (never part of the cloud surface): reset, task timing,
//! rate limits, failing exports, fault rules, and a log of received requests for tests.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::timing::TaskTiming;
use crate::Emulator;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/task-timing", post(task_timing))
        .route("/_emulator/rate-limits", post(rate_limits))
        .route("/_emulator/fail-exports", post(fail_exports))
        .route("/_emulator/data", post(data_size))
        .route("/_emulator/export-padding", post(export_padding))
        .route("/_emulator/faults", get(list_faults).post(add_fault).delete(clear_faults))
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route("/_emulator/created", get(created))
}

/// Injects a failure into matching calls.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaultRule {
    /// `iam`, `hss`, `dbss`, `dsc` or `*`.
    #[serde(default = "any")]
    pub service: String,
    /// A piece of the request path (`export-task`, `/common/task`), or `*`.
    #[serde(default = "any")]
    pub operation: String,
    /// Only this HTTP method, when set.
    #[serde(default)]
    pub method: Option<String>,
    /// 0.0–1.0; 1.0 when absent.
    #[serde(default = "always")]
    pub probability: f64,
    /// Answer with this status and error code instead of calling the service.
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_msg: Option<String>,
    /// Added before answering (or before failing).
    #[serde(default)]
    pub latency_ms: u64,
    /// Cut the connection instead of answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Run the service first, so what the call asked for is done (a task created), and only
    /// then fail the answer (`drop_connection` or `status`): the client cannot tell whether
    /// its call took effect. With a 2xx `status`, the answer is that status with no body.
    #[serde(default)]
    pub commit: bool,
    /// Apply this many times, then retire; forever when absent.
    #[serde(default)]
    pub times: Option<u32>,
    /// Run the service, then replace each pair's first text with its second in the answer's
    /// body: feeds a client values it does not know (a new enum value, say) in a real answer.
    #[serde(default)]
    pub replace: Vec<[String; 2]>,
}

fn any() -> String {
    "*".into()
}

fn always() -> f64 {
    1.0
}

/// A task or export an API call created.
#[derive(Clone, Debug, Serialize)]
pub struct CreatedTask {
    /// `hss_export`, `hss_task` or `dsc_export`.
    pub kind: &'static str,
    pub project_id: String,
    /// The task id; for DSC, `job_id@start_time`.
    pub id: String,
    pub at_ms: i64,
}

/// A request the emulator received, for tests to inspect.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub service: &'static str,
    pub status: u16,
    pub auth: &'static str,
    /// When it arrived, epoch milliseconds.
    pub at_ms: i64,
}

/// Which service a path belongs to.
pub fn service_of(path: &str) -> &'static str {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.get(1).copied() {
        Some("v3") | Some("v3.0") => "iam",
        Some("v5") => "hss",
        Some("v2") => "dbss",
        Some("v1") => match parts.get(3).copied() {
            Some("sdg") | Some("scan-jobs") | Some("scan-security-levels") => "dsc",
            _ => "dbss",
        },
        Some("_files") => "obs",
        _ => "other",
    }
}

impl FaultRule {
    fn matches(&self, service: &str, method: &str, path: &str) -> bool {
        (self.service == "*" || self.service == service)
            && (self.operation == "*" || path.contains(&self.operation))
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Applies fault rules and writes the request log; wraps every route but the control API.
pub async fn faults_and_log(State(emu): State<Arc<Emulator>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_emulator/") {
        return next.run(req).await;
    }
    let at_ms = crate::timing::now_ms();
    let method = req.method().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let service = service_of(&path);
    let auth = if req.headers().contains_key("authorization") {
        "aksk"
    } else if req.headers().contains_key("x-auth-token") {
        "token"
    } else {
        "none"
    };
    let fault = emu.take_fault(|r| r.matches(service, &method, &path));
    let resp = match fault {
        None => next.run(req).await,
        Some(rule) => {
            let mut pending = Some((next, req));
            let committed = match pending.take_if(|_| rule.commit) {
                Some((next, req)) => Some(next.run(req).await),
                None => None,
            };
            if rule.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(rule.latency_ms)).await;
            }
            if rule.drop_connection {
                // A body that fails makes the server abort the connection mid-answer.
                let broken = futures_util::stream::once(async {
                    Err::<axum::body::Bytes, _>(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "fault: dropped",
                    ))
                });
                Response::builder().status(200).body(Body::from_stream(broken)).expect("static response")
            } else if let Some(status) = rule.status {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                if status.is_success() && committed.is_some() {
                    // Done, then answered with no body (DSC's "201 created").
                    status.into_response()
                } else {
                    let code = rule.error_code.clone().unwrap_or_else(|| "APIGW.0101".into());
                    let msg =
                        rule.error_msg.clone().unwrap_or_else(|| "fault injected by the emulator".into());
                    (status, Json(json!({"error_code": code, "error_msg": msg}))).into_response()
                }
            } else {
                let resp = match (committed, pending) {
                    (Some(resp), _) => resp,
                    (None, Some((next, req))) => next.run(req).await,
                    (None, None) => unreachable!("the request is either run or pending"),
                };
                if rule.replace.is_empty() {
                    resp
                } else {
                    rewritten(resp, &rule.replace).await
                }
            }
        }
    };
    emu.log_request(LoggedRequest {
        method,
        path,
        query,
        service,
        status: resp.status().as_u16(),
        auth,
        at_ms,
    });
    resp
}

/// The answer with its body's texts replaced (answers of up to 16 MiB; lists are far smaller).
async fn rewritten(resp: Response, pairs: &[[String; 2]]) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "fault: the answer was too large to rewrite")
            .into_response();
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    for [from, to] in pairs {
        text = text.replace(from.as_str(), to);
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

async fn reset(State(emu): State<Arc<Emulator>>) -> StatusCode {
    emu.reset();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Timing {
    timing: String,
}

async fn task_timing(State(emu): State<Arc<Emulator>>, Json(t): Json<Timing>) -> Response {
    match t.timing.parse::<TaskTiming>() {
        Ok(timing) => {
            emu.set_task_timing(timing);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

#[derive(Deserialize)]
struct Limits {
    hss_per_minute: Option<u32>,
    /// The window the limit counts in, default a minute (tests shorten it).
    window_ms: Option<i64>,
}

async fn rate_limits(State(emu): State<Arc<Emulator>>, Json(l): Json<Limits>) -> StatusCode {
    emu.set_rate_limit_window(l.hss_per_minute, l.window_ms.unwrap_or(60_000));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Padding {
    bytes: u32,
}

/// The next export files carry this many extra zero bytes (large-download tests).
async fn export_padding(State(emu): State<Arc<Emulator>>, Json(p): Json<Padding>) -> StatusCode {
    emu.set_export_padding(p.bytes);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Count {
    count: u32,
}

#[derive(Deserialize)]
struct DataChoice {
    /// `small`, `default`, `large` or `hostile`.
    size: String,
}

/// Switches the data set (the same seed, so ids stay): `hostile` gives names with markup,
/// quotes, a right-to-left override, line breaks and 64 KiB.
async fn data_size(State(emu): State<Arc<Emulator>>, Json(c): Json<DataChoice>) -> Response {
    match c.size.parse() {
        Ok(size) => {
            emu.set_data_size(size);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn fail_exports(State(emu): State<Arc<Emulator>>, Json(c): Json<Count>) -> StatusCode {
    emu.fail_next_exports(c.count);
    StatusCode::NO_CONTENT
}

async fn list_faults(State(emu): State<Arc<Emulator>>) -> Json<Vec<FaultRule>> {
    Json(emu.faults())
}

async fn add_fault(State(emu): State<Arc<Emulator>>, Json(rule): Json<FaultRule>) -> Response {
    if !(0.0..=1.0).contains(&rule.probability) {
        return (StatusCode::BAD_REQUEST, "probability must be 0.0 to 1.0").into_response();
    }
    emu.add_fault(rule);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(emu): State<Arc<Emulator>>) -> StatusCode {
    emu.clear_faults();
    StatusCode::NO_CONTENT
}

async fn requests(State(emu): State<Arc<Emulator>>) -> Json<Vec<LoggedRequest>> {
    Json(emu.requests())
}

async fn created(State(emu): State<Arc<Emulator>>) -> Json<Vec<CreatedTask>> {
    Json(emu.created())
}

async fn clear_requests(State(emu): State<Arc<Emulator>>) -> StatusCode {
    emu.clear_requests();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_path() {
        assert_eq!(service_of("/v3/auth/tokens"), "iam");
        assert_eq!(service_of("/v5/p/common/task"), "hss");
        assert_eq!(service_of("/v1/p/sdg/scan/job"), "dsc");
        assert_eq!(service_of("/v1/p/scan-jobs/j/classification-results"), "dsc");
        assert_eq!(service_of("/v1/p/audit/i/sensitive/mask/rule"), "dbss");
        assert_eq!(service_of("/v2/p/audit/i/sensitive/mask/rule/switch"), "dbss");
    }
}
