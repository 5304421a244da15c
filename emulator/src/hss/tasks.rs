//! Common tasks: cluster scans and IaC scans (§2.6–§2.10). A task moves from `running` to
//! `finished` with the emulator's task timing; each cluster's scan items then succeed or fail.
//!
//! Demo behaviour (emulator choice): a cluster that is not `Available` fails every scan item
//! with "cluster unavailable"; one whose agent DaemonSet is not installed fails with "agent not
//! installed"; one whose agent install failed on a node fails its first attempt with "scan job
//! timed out" and succeeds on retry, so the retry flow can be shown.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::{hss_error, invalid, known_project, require_write, QueryArgs};
use crate::data::Cluster;
use crate::gateway::Identity;
use crate::timing::{now_ms, Clock};
use crate::Emulator;

const TASK_TYPES: &[&str] = &["cluster_scan", "iac_scan"];
const SCAN_TYPES: &[&str] = &["cluster_vul", "risk_assessment", "benchmark"];
const RANGE_TYPES: &[&str] = &["all_cluster", "specific_cluster"];
const FILE_TYPES: &[&str] = &["dockerfile", "k8s_yaml"];

#[derive(Clone, Debug)]
pub struct ClusterRun {
    pub cluster: Cluster,
    pub attempt: u32,
    /// Scan items of the current attempt.
    pub scan_types: Vec<String>,
    /// Outcome of the items a retry left alone: (scan type, status, failed reason).
    pub earlier: Vec<(String, &'static str, &'static str)>,
}

#[derive(Clone, Debug)]
pub struct FileRun {
    pub file_id: String,
    pub file_name: String,
    pub file_size: i64,
}

#[derive(Clone, Debug)]
pub struct HssTask {
    pub task_id: String,
    pub task_type: String,
    pub task_name: String,
    pub created_ms: i64,
    pub clock: Clock,
    pub scan_type_list: Vec<String>,
    pub clusters: Vec<ClusterRun>,
    pub file_type: String,
    pub files: Vec<FileRun>,
}

impl ClusterRun {
    /// Why a scan item fails on this attempt, if it does.
    fn failure(&self) -> Option<&'static str> {
        let c = &self.cluster;
        if c.status != "Available" {
            Some("cluster unavailable")
        } else if c.agent_ds_install_status != "Installed" {
            Some("agent not installed")
        } else if c.agent_install_failed_num > 0 && self.attempt == 1 {
            Some("scan job timed out")
        } else {
            None
        }
    }
}

impl HssTask {
    fn done(&self, emu: &Emulator, now: i64) -> bool {
        self.clock.done(emu.task_timing(), now)
    }

    fn status(&self, emu: &Emulator, now: i64) -> &'static str {
        if self.done(emu, now) {
            "finished"
        } else {
            "running"
        }
    }

    /// (scanning, succeeded, failed) clusters.
    fn cluster_counts(&self, emu: &Emulator, now: i64) -> (usize, usize, usize) {
        if !self.done(emu, now) {
            return (self.clusters.len(), 0, 0);
        }
        let failed = self.clusters.iter().filter(|c| c.failure().is_some()).count();
        (0, self.clusters.len() - failed, failed)
    }

    fn summary(&self, emu: &Emulator, now: i64) -> Value {
        let done = self.done(emu, now);
        let (scanning, success, failed) = self.cluster_counts(emu, now);
        let mut v = json!({
            "task_id": self.task_id,
            "task_type": self.task_type,
            "task_name": self.task_name,
            "trigger_type": "manual",
            "task_status": self.status(emu, now),
            "start_time": self.clock.started_ms,
            "end_time": if done { self.clock.started_ms + 1_000 } else { 0 },
            "estimated_time": self.clock.minutes_left(emu.task_timing(), now),
        });
        if self.task_type == "cluster_scan" {
            v["cluster_scan_info"] = json!({
                "scan_type_list": self.scan_type_list,
                "scanning_cluster_num": scanning,
                "success_cluster_num": success,
                "failed_cluster_num": failed,
            });
        } else {
            let n = self.files.len();
            v["iac_scan_info"] = json!({
                "file_type": self.file_type,
                "scan_file_num": if done { 0 } else { n },
                "success_file_num": if done { n } else { 0 },
                "failed_file_num": 0,
            });
        }
        v
    }

    fn cluster_item(&self, run: &ClusterRun, emu: &Emulator, now: i64) -> Value {
        let done = self.done(emu, now);
        let failure = run.failure();
        let item_status = |t: &str| {
            if let Some((_, status, reason)) = run.earlier.iter().find(|(s, _, _)| s == t) {
                (*status, *reason)
            } else if !done {
                ("scanning", "")
            } else {
                failure.map_or(("success", ""), |r| ("failed", r))
            }
        };
        let details: Vec<Value> = self
            .scan_type_list
            .iter()
            .map(|t| {
                let (status, reason) = item_status(t);
                json!({"scan_type": t, "status": status, "failed_reason": reason})
            })
            .collect();
        let scan_status = if !done {
            "scanning"
        } else if details.iter().any(|d| d["status"] == "failed") {
            "failed"
        } else {
            "success"
        };
        json!({
            "cluster_name": run.cluster.cluster_name,
            "cluster_id": run.cluster.cluster_id,
            "cluster_type": run.cluster.cluster_type,
            "cluster_version": run.cluster.version,
            "scan_status": scan_status,
            "start_time": self.clock.started_ms,
            "end_time": if done { self.clock.started_ms + 1_000 } else { 0 },
            "scan_detail_list": details,
        })
    }
}

fn parse_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| hss_error("HSS.0002", "failed to parse request: the body must be a JSON object"))
}

fn one_of<'a>(
    v: &'a Value,
    name: &str,
    allowed: &[&str],
    required: bool,
) -> Result<Option<&'a str>, Response> {
    match v.get(name) {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        _ => Err(invalid(
            name,
            &format!("{}one of {}", if required { "required: " } else { "" }, allowed.join(", ")),
        )),
    }
}

fn strings<'a>(v: &'a Value, name: &str) -> Result<Option<Vec<&'a str>>, Response> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().ok_or_else(|| invalid(name, "an array of strings")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(invalid(name, "an array of strings")),
    }
}

/// `POST /v5/{project_id}/common/task` (§2.6).
pub async fn create(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path(project_id): Path<String>,
    body: Bytes,
) -> Result<Response, Response> {
    known_project(&project_id)?;
    require_write(who)?;
    let body = parse_body(&body)?;
    let task_type = one_of(&body, "task_type", TASK_TYPES, true)?.expect("required");
    let now = now_ms();
    let mut task = HssTask {
        task_id: emu.next_id(),
        task_type: task_type.to_string(),
        task_name: String::new(),
        created_ms: now,
        clock: Clock::start(now),
        scan_type_list: Vec::new(),
        clusters: Vec::new(),
        file_type: String::new(),
        files: Vec::new(),
    };
    if task_type == "cluster_scan" {
        let info = body.get("cluster_scan_info").filter(|v| v.is_object());
        let info =
            info.ok_or_else(|| invalid("cluster_scan_info", "required when task_type is cluster_scan"))?;
        let scan_types = strings(info, "scan_type_list")?.unwrap_or_default();
        if scan_types.is_empty() || scan_types.iter().any(|t| !SCAN_TYPES.contains(t)) {
            return Err(invalid("scan_type_list", &format!("1 to 3 of {}", SCAN_TYPES.join(", "))));
        }
        let range = one_of(info, "range_type", RANGE_TYPES, true)?.expect("required");
        let data = emu.data();
        let clusters: Vec<Cluster> = if range == "specific_cluster" {
            let ids = strings(info, "cluster_id_list")?.unwrap_or_default();
            if ids.is_empty() {
                return Err(invalid(
                    "cluster_id_list",
                    "required and non-empty when range_type is specific_cluster",
                ));
            }
            ids.iter()
                .map(|id| {
                    data.clusters.iter().find(|c| c.cluster_id == *id).cloned().ok_or_else(|| {
                        hss_error("HSS.0011", format!("requested resource not found: cluster {id}"))
                    })
                })
                .collect::<Result<_, _>>()?
        } else {
            data.clusters.iter().filter(|c| c.status == "Available").cloned().collect()
        };
        let mut dedup: Vec<&str> = Vec::new();
        for t in scan_types {
            if !dedup.contains(&t) {
                dedup.push(t);
            }
        }
        task.scan_type_list = dedup.iter().map(|s| s.to_string()).collect();
        task.task_name = format!("cluster_scan_{}", &task.task_id[..8]);
        task.clusters = clusters
            .into_iter()
            .map(|cluster| ClusterRun {
                cluster,
                attempt: 1,
                scan_types: task.scan_type_list.clone(),
                earlier: vec![],
            })
            .collect();
    } else {
        let info = body.get("iac_scan_info").filter(|v| v.is_object());
        let info = info.ok_or_else(|| invalid("iac_scan_info", "required when task_type is iac_scan"))?;
        let file_type = one_of(info, "file_type", FILE_TYPES, true)?.expect("required");
        let ids = strings(info, "file_id_list")?.unwrap_or_default();
        if ids.is_empty() {
            return Err(invalid("file_id_list", "required and non-empty"));
        }
        let uploaded = emu.iac_files(&project_id);
        task.files = ids
            .iter()
            .map(|id| {
                uploaded
                    .iter()
                    .find(|f| f.file_id == *id)
                    .ok_or_else(|| hss_error("HSS.0011", format!("requested resource not found: file {id}")))
                    .and_then(|f| {
                        // A file is scanned as the type it was uploaded as.
                        if f.file_type == file_type {
                            Ok(f)
                        } else {
                            Err(invalid(
                                "file_id_list",
                                &format!("file {id} was uploaded as {}, not {file_type}", f.file_type),
                            ))
                        }
                    })
                    .map(|f| FileRun {
                        file_id: f.file_id.clone(),
                        file_name: f.file_name.clone(),
                        file_size: f.file_size,
                    })
            })
            .collect::<Result<_, _>>()?;
        task.file_type = file_type.to_string();
        task.task_name = format!("iac_scan_{}", &task.task_id[..8]);
    }
    let task_id = task.task_id.clone();
    emu.record_created("hss_task", &project_id, task_id.clone());
    emu.with_hss_tasks(&project_id, |tasks| tasks.push(task));
    Ok(Json(json!({ "task_id": task_id })).into_response())
}

/// `POST /v5/{project_id}/common/tasks/batch-query` (§2.7). Each read of a task counts as a
/// status read for the task timing.
pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    let (offset, limit) = q.paging()?;
    let body = parse_body(&body)?;
    let task_type = one_of(&body, "task_type", TASK_TYPES, true)?.expect("required");
    let task_id = body.get("task_id").and_then(Value::as_str);
    let name = body.get("task_name").and_then(Value::as_str);
    let status = one_of(&body, "task_status", &["ready", "running", "finished"], false)?;
    one_of(&body, "trigger_type", &["manual", "schedule"], false)?;
    one_of(&body, "sort_key", &["start_time"], false)?;
    let sort_desc = one_of(&body, "sort_dir", &["asc", "desc"], false)? != Some("asc");
    let from = body.get("start_create_time").and_then(Value::as_i64);
    let to = body.get("end_create_time").and_then(Value::as_i64);
    let wanted_scans =
        body.get("cluster_scan_info").map(|i| strings(i, "scan_type_list")).transpose()?.flatten();
    let file_type =
        body.get("iac_scan_info").map(|i| one_of(i, "file_type", FILE_TYPES, false)).transpose()?.flatten();
    let now = now_ms();
    let timing = emu.task_timing();
    let page = emu.with_hss_tasks(&project_id, |tasks| {
        let mut matching: Vec<&mut HssTask> = tasks
            .iter_mut()
            .filter(|t| t.task_type == task_type)
            .filter(|t| task_id.is_none_or(|id| t.task_id == id))
            .filter(|t| name.is_none_or(|n| t.task_name.contains(n)))
            .filter(|t| from.is_none_or(|f| t.created_ms >= f) && to.is_none_or(|e| t.created_ms <= e))
            .filter(|t| {
                wanted_scans
                    .as_ref()
                    .is_none_or(|w| w.iter().all(|s| t.scan_type_list.iter().any(|x| x == s)))
            })
            .filter(|t| file_type.is_none_or(|f| t.file_type == f))
            .collect();
        for t in matching.iter_mut() {
            t.clock.read(timing, now);
        }
        let mut matching: Vec<&HssTask> = matching.into_iter().map(|t| &*t).collect();
        matching.retain(|t| status.is_none_or(|s| t.status(&emu, now) == s));
        matching.sort_by_key(|t| t.clock.started_ms);
        if sort_desc {
            matching.reverse();
        }
        let total = matching.len();
        let items: Vec<Value> =
            matching.iter().skip(offset).take(limit).map(|t| t.summary(&emu, now)).collect();
        (total, items)
    });
    Ok(Json(json!({"total_num": page.0, "data_list": page.1})).into_response())
}

/// `POST /v5/{project_id}/common/tasks/{task_id}/resources/batch-query` (§2.8).
pub async fn resources(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, task_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    let (offset, limit) = q.paging()?;
    let body = parse_body(&body)?;
    let task_type = one_of(&body, "task_type", TASK_TYPES, true)?.expect("required");
    let cluster_filter = body.get("cluster_scan_info");
    let scan_status = cluster_filter
        .map(|f| one_of(f, "scan_status", &["scanning", "success", "failed"], false))
        .transpose()?
        .flatten();
    let cluster_name = cluster_filter.and_then(|f| f.get("cluster_name")).and_then(Value::as_str);
    let now = now_ms();
    let timing = emu.task_timing();
    emu.with_hss_tasks(&project_id, |tasks| {
        let Some(task) = tasks.iter_mut().find(|t| t.task_id == task_id && t.task_type == task_type) else {
            return Err(hss_error("HSS.0011", "requested resource not found: task"));
        };
        task.clock.read(timing, now);
        let task = &*task;
        if task_type == "cluster_scan" {
            let items: Vec<Value> = task
                .clusters
                .iter()
                .map(|c| task.cluster_item(c, &emu, now))
                .filter(|i| scan_status.is_none_or(|s| i["scan_status"] == s))
                .filter(|i| cluster_name.is_none_or(|n| i["cluster_name"].as_str().unwrap_or("").contains(n)))
                .collect();
            let total = items.len();
            let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
            Ok(Json(json!({"total_num": total, "cluster_scan_data_list": page, "iac_scan_data_list": []})).into_response())
        } else {
            let done = task.done(&emu, now);
            let items: Vec<Value> = task
                .files
                .iter()
                .map(|f| {
                    json!({"file_name": f.file_name, "file_type": task.file_type, "chart_name": "", "file_id": f.file_id,
                           "file_size": f.file_size, "scan_status": if done { "success" } else { "scanning" },
                           "failed_reason": "", "start_time": task.clock.started_ms,
                           "end_time": if done { task.clock.started_ms + 1_000 } else { 0 }})
                })
                .collect();
            let total = items.len();
            let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
            Ok(Json(json!({"total_num": total, "cluster_scan_data_list": [], "iac_scan_data_list": page})).into_response())
        }
    })
}

/// `PUT /v5/{project_id}/common/tasks/{task_id}/retry` (§2.9): scans failed clusters again.
pub async fn retry(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, task_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    known_project(&project_id)?;
    require_write(who)?;
    if task_id.is_empty() || task_id.len() > 64 {
        return Err(invalid("task_id", "1 to 64 characters"));
    }
    let body = parse_body(&body)?;
    one_of(&body, "task_type", &["cluster_scan"], true)?;
    let info = body.get("cluster_scan_info").filter(|v| v.is_object());
    let info = info.ok_or_else(|| invalid("cluster_scan_info", "required"))?;
    let range =
        one_of(info, "range_type", &["all_failed_cluster", "specific_cluster"], true)?.expect("required");
    let mut chosen: Vec<(String, Option<Vec<String>>)> = Vec::new();
    if range == "specific_cluster" {
        let Some(Value::Array(list)) = info.get("cluster_info_list") else {
            return Err(invalid(
                "cluster_info_list",
                "required with 1 to 200 items when range_type is specific_cluster",
            ));
        };
        if list.is_empty() || list.len() > 200 {
            return Err(invalid("cluster_info_list", "1 to 200 items"));
        }
        for item in list {
            let id = item.get("cluster_id").and_then(Value::as_str).filter(|s| (1..=64).contains(&s.len()));
            let id = id.ok_or_else(|| invalid("cluster_id", "1 to 64 characters"))?;
            let types = strings(item, "scan_type_list")?;
            if let Some(t) = &types {
                if t.is_empty() || t.len() > 3 || t.iter().any(|x| !SCAN_TYPES.contains(x)) {
                    return Err(invalid("scan_type_list", &format!("1 to 3 of {}", SCAN_TYPES.join(", "))));
                }
            }
            chosen.push((id.to_string(), types.map(|t| t.iter().map(|s| s.to_string()).collect())));
        }
    }
    let now = now_ms();
    emu.with_hss_tasks(&project_id, |tasks| {
        let Some(task) = tasks.iter_mut().find(|t| t.task_id == task_id) else {
            return Err(hss_error("HSS.0011", "requested resource not found: task"));
        };
        if task.task_type != "cluster_scan" {
            return Err(invalid("task_type", "only cluster_scan tasks can be retried"));
        }
        if !task.done(&emu, now) {
            return Err(hss_error("HSS.1001", "the task is still running"));
        }
        let scan_types = task.scan_type_list.clone();
        let mut any = false;
        for run in task.clusters.iter_mut() {
            if run.failure().is_none() {
                continue;
            }
            let wanted = match range {
                "all_failed_cluster" => Some(scan_types.clone()),
                _ => chosen
                    .iter()
                    .find(|(id, _)| *id == run.cluster.cluster_id)
                    .map(|(_, t)| t.clone().unwrap_or_else(|| scan_types.clone())),
            };
            if let Some(types) = wanted {
                let reason = run.failure().unwrap_or("");
                run.earlier = scan_types
                    .iter()
                    .filter(|t| !types.contains(t))
                    .map(|t| (t.clone(), if reason.is_empty() { "success" } else { "failed" }, reason))
                    .collect();
                run.attempt += 1;
                run.scan_types = types;
                any = true;
            }
        }
        if !any {
            return Err(hss_error("HSS.1001", "no failed cluster matches the retry"));
        }
        task.clock = Clock::start(now);
        Ok(().into_response())
    })
}

/// `GET /v5/{project_id}/common/task-statistics?task_type=` (§2.10).
pub async fn statistics(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    let Some(task_type) = q.one_of("task_type", TASK_TYPES)? else {
        return Err(invalid("task_type", "required: cluster_scan or iac_scan"));
    };
    let now = now_ms();
    let (total, running, last) = emu.with_hss_tasks(&project_id, |tasks| {
        let of_type: Vec<&HssTask> = tasks.iter().filter(|t| t.task_type == task_type).collect();
        (
            of_type.len(),
            of_type.iter().filter(|t| !t.done(&emu, now)).count(),
            of_type.iter().map(|t| t.clock.started_ms).max().unwrap_or(0),
        )
    });
    Ok(Json(json!({"total_num": total, "running_num": running, "last_task_start_time": last}))
        .into_response())
}
