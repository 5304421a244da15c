//! `GET /v5/{project_id}/image/local-repositories` (§2.14): local images, to pick for the
//! vulnerability export. `limit` is undocumented; the emulator applies HSS's usual 10–200.

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
    let name = q.text("image_name", 1, 128)?;
    let version = q.text("image_version", 1, 64)?;
    // This API says `waiting` where the export says `waiting_for_scan`.
    let scan =
        q.one_of("scan_status", &["unscan", "success", "scanning", "failed", "waiting_for_scan", "waiting"])?;
    let kind = q.one_of("local_image_type", &["other_image", "swr_image"])?;
    let has_vul = q.one_of("has_vul", &["true", "false"])?;
    let has_container = q.one_of("has_container", &["true", "false"])?;
    let images: Vec<_> = emu
        .data()
        .images
        .iter()
        .filter(|i| name.is_none_or(|n| i.image_name.contains(n)))
        .filter(|i| version.is_none_or(|v| i.image_version == v))
        .filter(|i| scan.is_none_or(|s| i.scan_status == s))
        .filter(|i| kind.is_none_or(|k| i.local_image_type == k))
        .filter(|i| has_vul.is_none_or(|h| (h == "true") == (i.vul_num > 0)))
        .filter(|i| has_container.is_none_or(|h| (h == "true") == (i.container_num > 0)))
        .collect();
    let page: Vec<_> = images.iter().skip(offset).take(limit).collect();
    Ok(Json(json!({"total_num": images.len(), "data_list": page})).into_response())
}
