//! HSS v5 (API reference §2). Every route sits behind the gateway and answers HSS's flat error
//! body; HSS reports "not found" as 400 HSS.0011, never 404.

mod clusters;
mod containers;
pub mod export;
pub mod iac;
mod images;
pub mod tasks;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;

use crate::Emulator;

pub fn routes(emu: Arc<Emulator>) -> Router<Arc<Emulator>> {
    Router::new()
        .route("/v5/{project_id}/kubernetes/clusters", get(clusters::list))
        .route("/v5/{project_id}/common/task-statistics", get(tasks::statistics))
        .route("/v5/{project_id}/common/task", post(tasks::create))
        .route("/v5/{project_id}/common/tasks/batch-query", post(tasks::list))
        .route("/v5/{project_id}/common/tasks/{task_id}/resources/batch-query", post(tasks::resources))
        .route("/v5/{project_id}/common/tasks/{task_id}/retry", put(tasks::retry))
        // Ten files of 1 MiB and their multipart framing (axum's default is 2 MB).
        .route(
            "/v5/{project_id}/common/files/batch-upload",
            post(iac::upload).layer(axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024)),
        )
        .route("/v5/{project_id}/container/iac/files", get(iac::list))
        .route("/v5/{project_id}/container/export-task", post(export::containers))
        .route("/v5/{project_id}/container/kubernetes", get(containers::list))
        .route("/v5/{project_id}/image/local-vulnerability/export", post(export::local_vulnerabilities))
        .route("/v5/{project_id}/export-task/{task_id}", get(export::status))
        .route("/v5/{project_id}/download/{file_id}", get(export::download))
        .route("/v5/{project_id}/image/local-repositories", get(images::list))
        .layer(axum::middleware::from_fn_with_state(emu, crate::gateway::require_identity))
}

pub fn hss_error(code: &str, message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error_code": code, "error_msg": message.into()}))).into_response()
}

/// HSS.0001 naming the parameter and what it allows.
pub fn invalid(param: &str, allowed: &str) -> Response {
    hss_error("HSS.0001", format!("invalid parameter: {param} ({allowed})"))
}

/// Typed reads of query parameters with HSS's bounds.
pub struct QueryArgs(pub HashMap<String, String>);

impl QueryArgs {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn int(&self, name: &str, min: i64, max: i64, default: i64) -> Result<i64, Response> {
        match self.str(name) {
            None => Ok(default),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(invalid(name, &format!("an integer from {min} to {max}"))),
            },
        }
    }

    pub fn one_of<'a>(&'a self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, Response> {
        match self.str(name) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v)),
            Some(_) => Err(invalid(name, &format!("one of {}", allowed.join(", ")))),
        }
    }

    pub fn text(&self, name: &str, min: usize, max: usize) -> Result<Option<&str>, Response> {
        match self.str(name) {
            None => Ok(None),
            Some(v) if (min..=max).contains(&v.chars().count()) => Ok(Some(v)),
            Some(_) => Err(invalid(name, &format!("{min} to {max} characters"))),
        }
    }

    /// `offset` 0–2000000 and `limit` 10–200 (default 10), HSS's paging everywhere.
    pub fn paging(&self) -> Result<(usize, usize), Response> {
        let offset = self.int("offset", 0, 2_000_000, 0)? as usize;
        let limit = self.int("limit", 10, 200, 10)? as usize;
        Ok((offset, limit))
    }
}

/// Read-only users (the demo `auditor`) may look, never change: 403 with HSS's permission error.
pub fn require_write(who: crate::gateway::Identity) -> Result<(), Response> {
    if who.user.read_only {
        let body = json!({"error_code": "HSS.0013", "error_msg": "insufficient permission: this user may only read"});
        return Err((StatusCode::FORBIDDEN, Json(body)).into_response());
    }
    Ok(())
}

/// Checks the path's project against the seeded ones.
pub fn known_project(project_id: &str) -> Result<(), Response> {
    match crate::seed::project_by_id(project_id) {
        Some(_) => Ok(()),
        None => Err(hss_error("HSS.0011", "requested resource not found: project")),
    }
}
