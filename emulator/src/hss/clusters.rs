//! `GET /v5/{project_id}/kubernetes/clusters` (§2.13).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{known_project, QueryArgs};
use crate::Emulator;

pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    let (offset, limit) = q.paging()?;
    let name = q.text("cluster_name", 1, 128)?;
    q.one_of("load_agent_info", &["true", "false"])?;
    q.one_of("scene", &["cluster_risk"])?;
    q.text("enterprise_project_id", 1, 256)?;
    let data = emu.data();
    let matching: Vec<_> =
        data.clusters.iter().filter(|c| name.is_none_or(|n| c.cluster_name.contains(n))).collect();
    let page: Vec<_> = matching.iter().skip(offset).take(limit).collect();
    Ok(Json(json!({
        "last_update_time": crate::data::EPOCH_MS,
        "total_num": matching.len(),
        "cluster_info_list": page,
    }))
    .into_response())
}
