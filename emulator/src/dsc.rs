//! DSC (host prefix `sdg`): scan jobs, security levels, export buckets, classification results
//! and their export (API reference §4).
//!
//! Emulator choices, for what the reference leaves open: `offset` of the scan-job list is a page
//! number (the docs call it 页码), other DSC lists take a row offset; `limit` is 1–1000;
//! creating an export answers 200 with `status: RUNNING`, which later reads as `FINISHED` (or
//! `FAILED` when the control API asks); `start_time` is epoch milliseconds; the file is an XLSX
//! at an unauthenticated, unguessable URL on the emulator (as an OBS pre-signed URL would be);
//! errors are `{"error_code":"dsc.40000011","error_msg":…}`, 403 `dsc.50000014` for read-only users.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use crate::data::Classification;
use crate::gateway::Identity;
use crate::timing::{now_ms, Clock};
use crate::xlsx::workbook;
use crate::Emulator;

pub fn routes(emu: Arc<Emulator>) -> Router<Arc<Emulator>> {
    let api = Router::new()
        .route("/v1/{project_id}/sdg/scan/job", get(scan_jobs))
        .route("/v1/{project_id}/sdg/scan/jobs", get(scan_jobs))
        .route("/v1/{project_id}/scan-security-levels", get(all_levels))
        .route("/v1/{project_id}/scan-jobs/buckets-for-export", get(buckets))
        .route("/v1/{project_id}/scan-jobs/{job_id}/security-levels", get(job_levels))
        .route("/v1/{project_id}/scan-jobs/{job_id}/classification-results", get(results))
        .route("/v1/{project_id}/scan-jobs/{job_id}/classification-results/export-tasks", post(create_export))
        .route("/v1/{project_id}/scan-jobs/{job_id}/classification-results/export/status", get(export_status))
        .route(
            "/v1/{project_id}/scan-jobs/{job_id}/classification-results/export/download",
            post(download_url),
        )
        .route("/v1/{project_id}/scan-jobs/{job_id}/classification-results/download-url", get(download_url))
        .layer(axum::middleware::from_fn_with_state(emu, crate::gateway::require_identity));
    // The exported file, like an OBS pre-signed URL: the unguessable name is the credential.
    api.route("/_files/dsc/{name}", get(file))
}

/// An export of one job's results.
#[derive(Clone, Debug)]
pub struct DscExport {
    pub clock: Clock,
    pub fails: bool,
    pub info: Value,
    pub file_token: String,
    pub content: Arc<Vec<u8>>,
}

fn dsc_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error_code": code, "error_msg": message}))).into_response()
}

fn invalid(message: &str) -> Response {
    dsc_error(StatusCode::BAD_REQUEST, "dsc.40000011", &format!("Invalid parameter: {message}"))
}

fn not_found(what: &str) -> Response {
    dsc_error(StatusCode::NOT_FOUND, "dsc.40400001", &format!("{what} not found"))
}

/// Query pairs, keeping repeated keys (`security_level_ids`).
fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

fn one<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn number(
    q: &[(String, String)],
    key: &str,
    min: usize,
    max: usize,
    default: usize,
) -> Result<usize, Response> {
    match one(q, key) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| invalid(&format!("{key} must be {min} to {max}"))),
    }
}

fn project(project_id: &str) -> Result<(), Response> {
    crate::seed::project_by_id(project_id).map(|_| ()).ok_or_else(|| not_found("project"))
}

fn job<'a>(emu: &'a Emulator, project_id: &str, job_id: &str) -> Result<&'a crate::data::ScanJob, Response> {
    project(project_id)?;
    emu.data().scan_jobs.iter().find(|j| j.id == job_id).ok_or_else(|| not_found("scan job"))
}

async fn scan_jobs(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Response> {
    let q = pairs(raw);
    project(&project_id)?;
    let page = number(&q, "offset", 0, 100_000, 0)?;
    let limit = number(&q, "limit", 1, 1000, 100)?;
    let content = one(&q, "content");
    let jobs: Vec<_> =
        emu.data().scan_jobs.iter().filter(|j| content.is_none_or(|c| j.name.contains(c))).collect();
    let page: Vec<_> = jobs.iter().skip(page * limit).take(limit).collect();
    Ok(Json(json!({"tasks": page, "total": jobs.len()})).into_response())
}

async fn all_levels(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Response> {
    let q = pairs(raw);
    project(&project_id)?;
    let offset = number(&q, "offset", 0, 100_000, 0)?;
    let limit = number(&q, "limit", 1, 1000, 100)?;
    let levels: Vec<Value> = emu
        .data()
        .security_levels
        .iter()
        .skip(offset)
        .take(limit)
        .map(|l| {
            let used =
                emu.data().classifications.iter().filter(|c| c.security_level_id == l.level_id).count();
            let mut v = serde_json::to_value(l).expect("plain struct");
            v["project_id"] = json!(project_id);
            v["used_count"] = json!(used);
            v["is_deleted"] = json!(false);
            v["create_time"] = json!(crate::data::EPOCH_MS);
            v["update_time"] = json!(crate::data::EPOCH_MS);
            v
        })
        .collect();
    Ok(Json(json!({"security_levels_list": levels})).into_response())
}

async fn buckets(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
) -> Result<Response, Response> {
    project(&project_id)?;
    Ok(Json(json!({"buckets": emu.data().export_buckets})).into_response())
}

/// The results of a job after the shared filters.
fn filtered<'a>(
    emu: &'a Emulator,
    job_id: &str,
    q: &[(String, String)],
) -> Result<Vec<&'a Classification>, Response> {
    let keyword = one(q, "keyword");
    let asset_type = one(q, "asset_type");
    let asset_id = one(q, "asset_id");
    let levels: Vec<&str> =
        q.iter().filter(|(k, _)| k == "security_level_ids").map(|(_, v)| v.as_str()).collect();
    if let Some(t) = asset_type {
        if !["DATABASE", "OBS", "BIGDATA", "GIT", "MRS", "MRS_HIVE", "LTS", "UNKNOWN", "ALL"].contains(&t) {
            return Err(invalid("asset_type"));
        }
    }
    Ok(emu
        .data()
        .classifications
        .iter()
        .filter(|c| c.job_id == job_id)
        .filter(|c| {
            keyword.is_none_or(|k| c.object_full_path.contains(k) || c.classification_name.contains(k))
        })
        .filter(|c| asset_type.is_none_or(|t| t == "ALL" || c.asset_type == t))
        .filter(|c| asset_id.is_none_or(|a| c.asset_id == a))
        .filter(|c| levels.is_empty() || levels.contains(&c.security_level_id.as_str()))
        .collect())
}

async fn job_levels(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, job_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Response> {
    let q = pairs(raw);
    job(&emu, &project_id, &job_id)?;
    let results = filtered(&emu, &job_id, &q)?;
    let total = results.len().max(1) as f64;
    let list: Vec<Value> = emu
        .data()
        .security_levels
        .iter()
        .map(|l| {
            let count = results.iter().filter(|c| c.security_level_id == l.level_id).count();
            json!({"security_level_id": l.level_id, "security_level_name": l.security_level_name,
                   "security_level_color": l.color_number, "count": count,
                   "percent": (count as f64 * 1000.0 / total).round() / 10.0})
        })
        .collect();
    Ok(Json(json!({"security_level_list": list})).into_response())
}

fn result_json(c: &Classification, project_id: &str) -> Value {
    json!({
        "id": c.id, "project_id": project_id, "job_id": c.job_id, "task_id": c.task_id, "ins_id": c.asset_id,
        "asset_id": c.asset_id, "asset_name": c.asset_name, "asset_type": c.asset_type, "object_name": c.object_name,
        "object_full_path": c.object_full_path, "security_level_name": c.security_level_name,
        "security_level_id": c.security_level_id, "security_level_color": c.security_level_color,
        "create_time": c.scan_time, "update_time": c.scan_time, "scan_time": c.scan_time,
        "match_info": [{"template_id": "builtin-template", "template_name": "Built-in template", "rule_id": c.rule_name,
                        "rule_name": c.rule_name, "security_level_name": c.security_level_name,
                        "security_level_id": c.security_level_id, "security_level_color": c.security_level_color,
                        "classification_name": c.classification_name, "classification_id": c.classification_name,
                        "matched_detail": format!("{} matched", c.rule_name),
                        "matched_examples": [{"line_number": 1, "matched_content": c.matched_example}]}],
    })
}

async fn results(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, job_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Response> {
    let q = pairs(raw);
    job(&emu, &project_id, &job_id)?;
    let offset = number(&q, "offset", 0, 1_000_000, 0)?;
    let limit = number(&q, "limit", 1, 1000, 100)?;
    let all = filtered(&emu, &job_id, &q)?;
    let page: Vec<Value> = all.iter().skip(offset).take(limit).map(|c| result_json(c, &project_id)).collect();
    Ok(Json(json!({"total": all.len(), "classification_list": page, "marker": []})).into_response())
}

const SHEET_COLUMNS: &[&str] =
    &["Asset", "Asset type", "Object", "Security level", "Classification", "Rule", "Example", "Scan time"];

async fn create_export(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, job_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    let job = job(&emu, &project_id, &job_id)?;
    if who.user.read_only {
        return Err(dsc_error(
            StatusCode::FORBIDDEN,
            "dsc.50000014",
            "Insufficient permission: this user may only read",
        ));
    }
    let b: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|_| invalid("body"))?
    };
    if !b.is_object() {
        return Err(invalid("body"));
    }
    let text = |k: &str| -> Result<Option<String>, Response> {
        match b.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.chars().count() <= 255 => Ok(Some(s.clone())),
            _ => Err(invalid(k)),
        }
    };
    let bucket = text("bucket_name")?;
    if let Some(bucket) = &bucket {
        if !emu.data().export_buckets.iter().any(|x| &x.bucket_name == bucket) {
            return Err(invalid("bucket_name is not a bucket available for export"));
        }
    }
    let mut q: Vec<(String, String)> = Vec::new();
    for k in ["keyword", "asset_type", "asset_id"] {
        if let Some(v) = text(k)? {
            q.push((k.to_string(), v));
        }
    }
    match b.get("security_level_ids") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ids)) => {
            for id in ids {
                q.push((
                    "security_level_ids".into(),
                    id.as_str().ok_or_else(|| invalid("security_level_ids"))?.to_string(),
                ));
            }
        }
        Some(_) => return Err(invalid("security_level_ids")),
    }
    let mask = matches!(b.get("mask"), Some(Value::Bool(true)));
    // The export's own filters, which the list API does not take.
    let (database, table, scanned_bucket) =
        (text("database_name")?, text("table_name")?, text("filter_bucket_name")?);
    let since = match b.get("start_time") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().filter(|t| *t >= 0).ok_or_else(|| invalid("start_time"))?),
    };
    // `sort`'s values are undocumented: the emulator takes `asc` or `desc`, by scan time
    // (the list's own order when absent).
    let sort = text("sort")?;
    if sort.as_deref().is_some_and(|s| s != "asc" && s != "desc") {
        return Err(invalid("sort"));
    }
    let mut matched: Vec<&Classification> = filtered(&emu, &job_id, &q)?
        .into_iter()
        .filter(|c| database.as_deref().is_none_or(|d| c.database_name == d))
        .filter(|c| table.as_deref().is_none_or(|t| c.table_name == t))
        .filter(|c| scanned_bucket.as_deref().is_none_or(|b| c.bucket_name == b))
        .filter(|c| since.is_none_or(|t| c.scan_time >= t))
        .collect();
    match sort.as_deref() {
        Some("asc") => matched.sort_by_key(|c| c.scan_time),
        Some("desc") => matched.sort_by_key(|c| std::cmp::Reverse(c.scan_time)),
        _ => {}
    }
    let asset_name = text("asset_id")?
        .and_then(|id| {
            emu.data().classifications.iter().find(|c| c.asset_id == id).map(|c| c.asset_name.clone())
        })
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = std::iter::once(SHEET_COLUMNS.iter().map(|s| s.to_string()).collect())
        .chain(matched.into_iter().map(|c| {
            let example = if mask { "******".to_string() } else { c.matched_example.clone() };
            vec![
                c.asset_name.clone(),
                c.asset_type.clone(),
                c.object_full_path.clone(),
                c.security_level_name.clone(),
                c.classification_name.clone(),
                c.rule_name.clone(),
                example,
                c.scan_time.to_string(),
            ]
        }))
        .collect();
    let now = now_ms();
    let file_name = format!("classification-result-{}-{}.xlsx", job.name, now);
    let info = json!({
        "asset_name": asset_name, "asset_type": text("asset_type")?.unwrap_or_default(),
        "bucket_name": bucket.unwrap_or_default(), "file_name": file_name, "job_name": job.name,
        "start_time": now.to_string(),
    });
    let export = DscExport {
        clock: Clock::start(now),
        fails: emu.take_export_failure(),
        info: info.clone(),
        file_token: format!("{}{}", emu.next_id().replace('-', ""), emu.next_id().replace('-', "")),
        content: Arc::new(workbook("Classification results", &rows)),
    };
    emu.set_dsc_export(&project_id, &job_id, export);
    let mut answer = info;
    answer["status"] = json!("RUNNING");
    Ok(Json(answer).into_response())
}

fn state_of(export: &mut DscExport, emu: &Emulator, count_read: bool) -> &'static str {
    let now = now_ms();
    let done = if count_read {
        export.clock.read(emu.task_timing(), now)
    } else {
        export.clock.done(emu.task_timing(), now)
    };
    match (done, export.fails) {
        (false, _) => "RUNNING",
        (true, true) => "FAILED",
        (true, false) => "FINISHED",
    }
}

async fn export_status(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, job_id)): Path<(String, String)>,
) -> Response {
    if let Err(e) = job(&emu, &project_id, &job_id) {
        return e;
    }
    let answer = emu.with_dsc_export(&project_id, &job_id, |x| {
        let mut v = x.info.clone();
        v["status"] = json!(state_of(x, &emu, true));
        v
    });
    answer.map(|v| Json(v).into_response()).unwrap_or_else(|| not_found("export task"))
}

async fn download_url(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, job_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = job(&emu, &project_id, &job_id) {
        return e;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_string();
    let answer = emu.with_dsc_export(&project_id, &job_id, |x| {
        (state_of(x, &emu, false) == "FINISHED")
            .then(|| format!("http://{host}/_files/dsc/{}.xlsx", x.file_token))
    });
    match answer.flatten() {
        Some(url) => Json(json!({ "url": url })).into_response(),
        None => not_found("the result file must be generated first: export"),
    }
}

async fn file(State(emu): State<Arc<Emulator>>, Path(name): Path<String>) -> Response {
    let token = name.trim_end_matches(".xlsx");
    let Some(content) = emu.dsc_file(token) else {
        return (StatusCode::NOT_FOUND, "NoSuchKey").into_response();
    };
    let mut resp = Bytes::from(content.as_ref().clone()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    resp
}

/// Key of an export in the emulator's state.
pub fn key(project_id: &str, job_id: &str) -> String {
    format!("{project_id}/{job_id}")
}

pub type Exports = HashMap<String, DscExport>;
