//! `GET /v5/{project_id}/container/kubernetes` (ListContainers, §2.15; the query and fields are
//! the official SDK's): the seeded containers, filtered by name, pod, image and whether a
//! cluster manages them.

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
    let name = q.text("container_name", 0, 128)?;
    let pod = q.text("pod_name", 0, 128)?;
    let image = q.text("image_name", 0, 128)?;
    let in_cluster = q.one_of("cluster_container", &["true", "false"])?.map(|c| c == "true");
    let data = emu.data();
    let matching: Vec<_> = data
        .containers
        .iter()
        .filter(|c| name.is_none_or(|n| c.container_name.contains(n)))
        .filter(|c| pod.is_none_or(|p| c.pod_name.contains(p)))
        .filter(|c| image.is_none_or(|i| c.image_name.contains(i)))
        .filter(|c| in_cluster.is_none_or(|want| want == !c.cluster_name.is_empty()))
        .collect();
    let page: Vec<_> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| {
            json!({"id": c.container_id, "region_id": "cn-north-4", "container_id": c.container_id,
                   "container_name": c.container_name, "image_name": c.image_name, "status": c.status,
                   "create_time": c.create_time, "cpu_limit": c.cpu_limit, "memory_limit": c.memory_limit,
                   "restart_count": c.restart_count, "pod_name": c.pod_name, "cluster_name": c.cluster_name,
                   "cluster_id": "", "cluster_type": c.cluster_type, "risky": c.risky, "low_risk": c.low_risk,
                   "medium_risk": c.medium_risk, "high_risk": c.high_risk, "fatal_risk": c.fatal_risk})
        })
        .collect();
    let updated = crate::timing::now_ms();
    Ok(Json(json!({"total_num": matching.len(), "last_update_time": updated, "data_list": page}))
        .into_response())
}
