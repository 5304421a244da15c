//! Exports: the container list (§2.1) and local-image vulnerabilities (§2.2), their task
//! status (§2.3) and the exported file (§2.5).
//!
//! Emulator choices: the file is a ZIP holding one CSV (UTF-8 with BOM) whose header row is the
//! requested titles in order (containers) or a fixed column set (vulnerabilities); the download
//! answers `application/octet-stream` with `Content-Disposition: attachment; filename="…"`.
//! `create_time` bounds are epoch milliseconds. A task fails when the control API asked for it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::{hss_error, invalid, known_project, require_write, QueryArgs};
use crate::data::{Container, LocalImage};
use crate::gateway::Identity;
use crate::timing::{now_ms, Clock};
use crate::zip::{csv, zip_with_zeros, ZipParts};
use crate::Emulator;

pub const HEADER_KEYS: &[&str] = &[
    "container_id",
    "container_name",
    "image_name",
    "pod_name",
    "cluster_name",
    "cluster_type",
    "status",
    "risky",
    "low_risk",
    "medium_risk",
    "high_risk",
    "fatal_risk",
    "create_time",
    "restart_count",
    "cpu_limit",
    "memory_limit",
];
const CLUSTER_TYPES: &[&str] = &["cce", "ali", "tencent", "azure", "aws", "self_built_hw", "self_built_idc"];
const CONTAINER_STATUS: &[&str] = &["Running", "Waiting", "Terminated", "Isolated", "Paused"];

#[derive(Clone, Debug)]
pub struct ExportTask {
    pub task_id: String,
    pub task_name: String,
    pub clock: Clock,
    pub fails: bool,
    pub file_id: String,
    pub file_name: String,
    /// The spreadsheet inside the ZIP: its name and bytes.
    pub entry: (String, Arc<Vec<u8>>),
    /// Zero bytes appended as a second entry (set through the control API), so tests can
    /// download large files the emulator never holds in memory.
    pub padding: u32,
}

fn body_object(body: &Bytes) -> Result<Value, Response> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| hss_error("HSS.0002", "failed to parse request: the body must be a JSON object"))
}

fn opt_str<'a>(v: &'a Value, name: &str, min: usize, max: usize) -> Result<Option<&'a str>, Response> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(Some(s)),
        _ => Err(invalid(name, &format!("a string of {min} to {max} characters"))),
    }
}

fn opt_enum<'a>(v: &'a Value, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, Response> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        _ => Err(invalid(name, &format!("one of {}", allowed.join(", ")))),
    }
}

fn opt_bool(v: &Value, name: &str) -> Result<Option<bool>, Response> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        _ => Err(invalid(name, "true or false")),
    }
}

fn opt_i64(v: &Value, name: &str) -> Result<Option<i64>, Response> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n.as_i64().map(Some).ok_or_else(|| invalid(name, "an integer")),
    }
}

fn start_task(
    emu: &Emulator,
    project_id: &str,
    name: String,
    file_name: String,
    entry: (&str, Vec<u8>),
) -> String {
    let now = now_ms();
    let task = ExportTask {
        task_id: emu.next_id(),
        task_name: name,
        clock: Clock::start(now),
        fails: emu.take_export_failure(),
        file_id: emu.next_id(),
        file_name,
        entry: (entry.0.to_string(), Arc::new(entry.1)),
        padding: emu.export_padding(),
    };
    let id = task.task_id.clone();
    emu.record_created("hss_export", project_id, id.clone());
    emu.add_export(task);
    id
}

/// `POST /v5/{project_id}/container/export-task` (§2.1).
pub async fn containers(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    require_write(who)?;
    q.text("enterprise_project_id", 1, 256)?;
    let export_size = q.int("export_size", 1, 100_000, 100_000)? as usize;
    let b = body_object(&body)?;
    // Keys from the documented list, each once; titles of 1 to 64 characters (the portal's
    // bound, the API gives none: an empty title makes a blank column head).
    let headers: Vec<(String, String)> = match b.get("export_headers") {
        Some(Value::Array(rows)) if !rows.is_empty() => rows
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(t)])
                    if HEADER_KEYS.contains(&k.as_str()) && (1..=64).contains(&t.chars().count()) =>
                {
                    Ok((k.clone(), t.clone()))
                }
                _ => Err(invalid(
                    "export_headers",
                    &format!(
                        "pairs of [key, title] with key one of {} and a title of 1 to 64 characters",
                        HEADER_KEYS.join(", ")
                    ),
                )),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("export_headers", "required: a non-empty array of [key, title] pairs")),
    };
    if let Some(twice) =
        headers.iter().enumerate().find(|(i, (k, _))| headers[..*i].iter().any(|(j, _)| j == k))
    {
        return Err(invalid("export_headers", &format!("the key {} is given twice", twice.1 .0)));
    }
    let in_cluster = opt_bool(&b, "cluster_container")?;
    let cluster_type = opt_enum(&b, "cluster_type", CLUSTER_TYPES)?;
    let cluster_name = opt_str(&b, "cluster_name", 1, 255)?;
    let container_name = opt_str(&b, "container_name", 1, 255)?;
    let pod_name = opt_str(&b, "pod_name", 1, 512)?;
    let image_name = opt_str(&b, "image_name", 1, 255)?;
    let status = opt_enum(&b, "status", CONTAINER_STATUS)?;
    let risky = opt_bool(&b, "risky")?;
    let cpu = opt_str(&b, "cpu_limit", 0, 64)?;
    let memory = opt_str(&b, "memory_limit", 0, 64)?;
    let (from, to) = match b.get("create_time") {
        None | Some(Value::Null) => (None, None),
        Some(t @ Value::Object(_)) => (opt_i64(t, "start_time")?, opt_i64(t, "end_time")?),
        Some(_) => {
            return Err(invalid("create_time", "an object {start_time, end_time} in epoch milliseconds"))
        }
    };
    let keep = |c: &&Container| {
        in_cluster.is_none_or(|want| want == !c.cluster_name.is_empty())
            && cluster_type.is_none_or(|t| c.cluster_type == t)
            && cluster_name.is_none_or(|n| c.cluster_name.contains(n))
            && container_name.is_none_or(|n| c.container_name.contains(n))
            && pod_name.is_none_or(|n| c.pod_name.contains(n))
            && image_name.is_none_or(|n| c.image_name.contains(n))
            && status.is_none_or(|s| c.status == s)
            && risky.is_none_or(|r| c.risky == r)
            && cpu.is_none_or(|v| v.is_empty() || c.cpu_limit == v)
            && memory.is_none_or(|v| v.is_empty() || c.memory_limit == v)
            && from.is_none_or(|f| c.create_time >= f)
            && to.is_none_or(|e| c.create_time <= e)
    };
    let titles: Vec<String> = headers.iter().map(|(_, t)| t.clone()).collect();
    let rows: Vec<Vec<String>> = emu
        .data()
        .containers
        .iter()
        .filter(keep)
        .take(export_size)
        .map(|c| headers.iter().map(|(k, _)| c.column(k)).collect())
        .collect();
    let stamp = &emu.next_id()[..8];
    let file = ("container-list.csv", csv(&titles, &rows));
    let task_id = start_task(
        &emu,
        &project_id,
        format!("container_export_task_{stamp}"),
        format!("hss-container-list-{stamp}.zip"),
        file,
    );
    Ok(Json(json!({ "task_id": task_id })).into_response())
}

const VUL_COLUMNS: &[&str] = &[
    "Image name",
    "Image version",
    "Image ID",
    "Vulnerability ID",
    "Vulnerability name",
    "Type",
    "Severity",
    "Status",
    "Component",
    "Component version",
    "Fixed in",
];

/// `POST /v5/{project_id}/image/local-vulnerability/export` (§2.2).
pub async fn local_vulnerabilities(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    require_write(who)?;
    if headers.get("region").and_then(|v| v.to_str().ok()).is_none_or(str::is_empty) {
        return Err(invalid("region", "the region header is required"));
    }
    if q.str("export_size").is_none() {
        return Err(invalid("export_size", "required: an integer from 1 to 100000"));
    }
    let export_size = q.int("export_size", 1, 100_000, 0)? as usize;
    let b = body_object(&body)?;
    let operate_all = opt_bool(&b, "operate_all")?.unwrap_or(false);
    let ids: Vec<String> = match b.get("image_id_list") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| invalid("image_id_list", "an array of strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid("image_id_list", "an array of strings")),
    };
    if !operate_all && ids.is_empty() {
        return Err(invalid("image_id_list", "required unless operate_all is true"));
    }
    let vul_type = opt_enum(&b, "vul_type", &["linux_vul", "app_vul"])?;
    let handle = opt_enum(&b, "handle_status", &["unhandled", "handled"])?;
    let scan = opt_enum(
        &b,
        "scan_status",
        &[
            "unscan",
            "success",
            "scanning",
            "failed",
            "download_failed",
            "image_oversized",
            "waiting_for_scan",
            "image_scan_stop",
        ],
    )?;
    let image_name = opt_str(&b, "image_name", 1, 255)?;
    let image_version = opt_str(&b, "image_version", 1, 64)?;
    let has_container = opt_bool(&b, "has_container")?;
    let image_size = opt_i64(&b, "image_size")?;
    let (u_from, u_to) = (opt_i64(&b, "start_latest_update_time")?, opt_i64(&b, "end_latest_update_time")?);
    let (s_from, s_to) = (opt_i64(&b, "start_latest_scan_time")?, opt_i64(&b, "end_latest_scan_time")?);
    let vul_ids: Vec<&str> = match b.get("vul_id_list") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let keep_image = |i: &&LocalImage| {
        (operate_all || ids.iter().any(|id| *id == i.image_id))
            && scan.is_none_or(|s| i.scan_status == s)
            && image_name.is_none_or(|n| i.image_name.contains(n))
            && image_version.is_none_or(|v| i.image_version == v)
            && has_container.is_none_or(|h| h == (i.container_num > 0))
            && image_size.is_none_or(|s| i.image_size == s)
            && u_from.is_none_or(|f| i.latest_update_time >= f)
            && u_to.is_none_or(|t| i.latest_update_time <= t)
            && s_from.is_none_or(|f| i.latest_scan_time >= f)
            && s_to.is_none_or(|t| i.latest_scan_time <= t)
    };
    let rows: Vec<Vec<String>> = emu
        .data()
        .images
        .iter()
        .filter(keep_image)
        .flat_map(|i| i.vulnerabilities.iter().map(move |v| (i, v)))
        .filter(|(_, v)| vul_type.is_none_or(|t| v.vul_type == t))
        .filter(|(_, v)| handle.is_none_or(|h| v.handle_status == h))
        .filter(|(_, v)| vul_ids.is_empty() || vul_ids.contains(&v.vul_id.as_str()))
        .take(export_size)
        .map(|(i, v)| {
            vec![
                i.image_name.clone(),
                i.image_version.clone(),
                i.image_id.clone(),
                v.vul_id.clone(),
                v.vul_name.clone(),
                v.vul_type.clone(),
                v.severity.clone(),
                v.handle_status.clone(),
                v.app_name.clone(),
                v.app_version.clone(),
                v.fixed_version.clone(),
            ]
        })
        .collect();
    let total = rows.len();
    let header: Vec<String> = VUL_COLUMNS.iter().map(|s| s.to_string()).collect();
    let stamp = &emu.next_id()[..8];
    let file = ("local-image-vulnerabilities.csv", csv(&header, &rows));
    let task_id = start_task(
        &emu,
        &project_id,
        format!("vul_vul_{stamp}_export_task"),
        format!("hss-vul-vul-en-{stamp}.zip"),
        file,
    );
    Ok(Json(json!({ "record_total_num": total, "task_id": task_id })).into_response())
}

/// `GET /v5/{project_id}/export-task/{task_id}` (§2.3). Every read counts for the task timing.
pub async fn status(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, task_id)): Path<(String, String)>,
) -> Response {
    if let Err(e) = known_project(&project_id) {
        return e;
    }
    let timing = emu.task_timing();
    let now = now_ms();
    match emu.with_export(&task_id, |t| {
        let done = t.clock.read(timing, now);
        let mut v = json!({"task_id": t.task_id, "task_name": t.task_name});
        match (done, t.fails) {
            (false, _) => v["task_status"] = json!("running"),
            (true, true) => v["task_status"] = json!("failure"),
            (true, false) => {
                v["task_status"] = json!("success");
                v["file_id"] = json!(t.file_id);
                v["file_name"] = json!(t.file_name);
            }
        }
        v
    }) {
        Some(v) => Json(v).into_response(),
        None => hss_error("HSS.0011", "requested resource not found: export task"),
    }
}

/// The parts of an archive as a body: the zeros come from one static buffer, so a file of any
/// size costs no memory.
fn zero_filled(parts: ZipParts) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> {
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    let chunks = parts.zeros.div_ceil(ZEROS.len() as u64);
    let last = parts.zeros - chunks.saturating_sub(1) * ZEROS.len() as u64;
    let zeros = (0..chunks).map(move |i| {
        let n = if i + 1 == chunks { last as usize } else { ZEROS.len() };
        Bytes::from_static(&ZEROS[..n])
    });
    let all =
        std::iter::once(Bytes::from(parts.head)).chain(zeros).chain(std::iter::once(Bytes::from(parts.tail)));
    futures_util::stream::iter(all.map(Ok))
}

/// `GET /v5/{project_id}/download/{file_id}` (§2.5): the file, once its task succeeded.
pub async fn download(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, file_id)): Path<(String, String)>,
) -> Response {
    if let Err(e) = known_project(&project_id) {
        return e;
    }
    let timing = emu.task_timing();
    let now = now_ms();
    let Some(task) = emu.export_file(&file_id, |t| t.clock.done(timing, now) && !t.fails) else {
        return hss_error("HSS.0011", "requested resource not found: file");
    };
    let (entry_name, csv) = &task.entry;
    let zeros = (task.padding > 0).then_some(("padding.bin", task.padding));
    // The CRC of a large padding takes a moment: off the async workers.
    let (entry_name, csv) = (entry_name.clone(), csv.clone());
    let Ok(parts) = tokio::task::spawn_blocking(move || zip_with_zeros(&[(&entry_name, &csv)], zeros)).await
    else {
        return hss_error("HSS.0004", "internal error building the file");
    };
    let length = parts.head.len() as u64 + parts.zeros + parts.tail.len() as u64;
    let mut resp = Body::from_stream(zero_filled(parts)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", task.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
