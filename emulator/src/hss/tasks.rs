//! Common tasks: cluster scans and IaC scans (§2.6–§2.10).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{known_project, QueryArgs};
use crate::Emulator;

const TASK_TYPES: &[&str] = &["cluster_scan", "iac_scan"];

/// `GET /v5/{project_id}/common/task-statistics?task_type=` (§2.10).
pub async fn statistics(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let q = QueryArgs(q);
    let run = || -> Result<Response, Response> {
        known_project(&project_id)?;
        let Some(task_type) = q.one_of("task_type", TASK_TYPES)? else {
            return Err(super::invalid(
                "task_type",
                "required: cluster_scan or iac_scan",
            ));
        };
        let tasks = emu.hss_tasks(&project_id);
        let of_type: Vec<_> = tasks.iter().filter(|t| t.task_type == task_type).collect();
        Ok(Json(json!({
            "total_num": of_type.len(),
            "running_num": of_type.iter().filter(|t| t.task_status == "running").count(),
            "last_task_start_time": of_type.iter().map(|t| t.start_time).max().unwrap_or(0),
        }))
        .into_response())
    };
    run().unwrap_or_else(|e| e)
}
