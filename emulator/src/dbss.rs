//! DBSS v1 audit instances and privacy-data masking rules (API reference §3).
//!
//! Emulator choices: errors use DBSS's older nested shape `{"error":{"error_code","error_msg"}}`;
//! rule name, regex and substitution are 1–255 characters; a regex must compile; names are unique
//! per instance; built-in rules can only be switched; only `ACTIVE` instances take rule calls
//! (others answer DBSS.10020021); a read-only user gets 403 DBSS.10000002.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use crate::gateway::Identity;
use crate::Emulator;

pub fn routes(emu: Arc<Emulator>) -> Router<Arc<Emulator>> {
    Router::new()
        .route("/v1/{project_id}/dbss/audit/instances", get(instances))
        .route("/v1/{project_id}/audit/instances", get(instances))
        .route("/v1/{project_id}/{instance_id}/dbss/audit/sensitive/masks", get(rules_spec))
        .route("/v1/{project_id}/audit/{instance_id}/sensitive/mask/rule", get(rules_new).post(create_rule))
        .route(
            "/v1/{project_id}/audit/{instance_id}/sensitive/mask/rule/{id}",
            post(update_rule).delete(delete_rule),
        )
        .route("/v2/{project_id}/audit/{instance_id}/sensitive/mask/rule/switch", post(switch_rules))
        .route(
            "/v1/{project_id}/audit/{instance_id}/sensitive/mask/switch",
            get(mask_switch).post(set_mask_switch),
        )
        .route(
            "/v1/{project_id}/audit/{instance_id}/sensitive/result/switch",
            get(result_switch).post(set_result_switch),
        )
        .layer(axum::middleware::from_fn_with_state(emu, crate::gateway::require_identity))
}

#[derive(Clone, Debug, Serialize)]
pub struct MaskRule {
    pub id: String,
    pub name: String,
    /// `BUILD_IN` or `USER_DEFINE`.
    #[serde(rename = "type")]
    pub kind: String,
    pub regex: String,
    pub mask_value: String,
    pub status: String,
    pub operate_time: String,
}

/// An instance's masking state.
#[derive(Clone, Debug)]
pub struct Masking {
    pub rules: Vec<MaskRule>,
    pub mask_switch: String,
    pub result_switch: String,
}

fn dbss_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"error_code": code, "error_msg": message}}))).into_response()
}

fn bad(message: &str) -> Response {
    dbss_error(StatusCode::BAD_REQUEST, "DBSS.10000001", &format!("Enter a valid request message: {message}"))
}

fn require_write(who: Identity) -> Result<(), Response> {
    if who.user.read_only {
        return Err(dbss_error(
            StatusCode::FORBIDDEN,
            "DBSS.10000002",
            "Insufficient permission: this user may only read",
        ));
    }
    Ok(())
}

fn success() -> Response {
    Json(json!({"status": "SUCCESS"})).into_response()
}

/// `offset` ≥ 0 and `limit` in 1..=max, both strings in the API.
fn paging(q: &HashMap<String, String>, max: usize) -> Result<(usize, usize), Response> {
    let offset = match q.get("offset") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| bad("offset must be an integer of 0 or more"))?,
    };
    let limit = match q.get("limit") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=max).contains(l))
            .ok_or_else(|| bad(&format!("limit must be 1 to {max}")))?,
    };
    Ok((offset, limit))
}

fn project(project_id: &str) -> Result<(), Response> {
    crate::seed::project_by_id(project_id).map(|_| ()).ok_or_else(|| {
        dbss_error(StatusCode::NOT_FOUND, "DBSS.10021004", "ECS can not found the request page")
    })
}

/// Instance must exist in the project and be `ACTIVE` for rule calls.
fn active_instance(emu: &Emulator, project_id: &str, instance_id: &str) -> Result<(), Response> {
    project(project_id)?;
    match emu.data().dbss_instances.iter().find(|i| i.id == instance_id && i.project_id == project_id) {
        Some(i) if i.status == "ACTIVE" => Ok(()),
        Some(_) => Err(dbss_error(
            StatusCode::BAD_REQUEST,
            "DBSS.10020021",
            "Invalid request parameter ID: the instance is not ACTIVE",
        )),
        None => Err(dbss_error(StatusCode::BAD_REQUEST, "DBSS.10020021", "Invalid request parameter ID.")),
    }
}

async fn instances(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    project(&project_id)?;
    let (offset, limit) = paging(&q, 1000)?;
    let all: Vec<_> = emu.data().dbss_instances.iter().filter(|i| i.project_id == project_id).collect();
    let page: Vec<_> = all.iter().skip(offset).take(limit).collect();
    Ok(Json(json!({"servers": page, "total": all.len()})).into_response())
}

fn list_rules(
    emu: &Emulator,
    project_id: &str,
    instance_id: &str,
    q: &HashMap<String, String>,
    max: usize,
) -> Result<Response, Response> {
    active_instance(emu, project_id, instance_id)?;
    let (offset, limit) = paging(q, max)?;
    let masking = emu.masking(instance_id);
    let page: Vec<_> = masking.rules.iter().skip(offset).take(limit).collect();
    Ok(Json(json!({"rules": page, "total": masking.rules.len()})).into_response())
}

/// The spec's list, `limit` up to 10000.
async fn rules_spec(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    list_rules(&emu, &project_id, &instance_id, &q, 10_000)
}

/// The newer list, `limit` up to 1000.
async fn rules_new(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    list_rules(&emu, &project_id, &instance_id, &q, 1_000)
}

/// `{rule_name, mask_regex, mask_value}`, checked.
fn rule_body(body: &Bytes) -> Result<(String, String, String), Response> {
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("the body must be JSON"))?;
    let field = |name: &str| -> Result<String, Response> {
        match v.get(name).and_then(Value::as_str) {
            Some(s) if (1..=255).contains(&s.chars().count()) => Ok(s.to_string()),
            _ => Err(bad(&format!("{name} is required, 1 to 255 characters"))),
        }
    };
    let (name, regex, value) = (field("rule_name")?, field("mask_regex")?, field("mask_value")?);
    if regex::Regex::new(&regex).is_err() {
        return Err(bad("mask_regex is not a valid regular expression"));
    }
    Ok((name, regex, value))
}

/// `2030-01-01 00:00:06`, as the API's example shows it (UTC, no zone written).
fn operate_time() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

async fn create_rule(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    require_write(who)?;
    let (name, regex, value) = rule_body(&body)?;
    let id = emu.next_rule_id();
    emu.with_masking(&instance_id, |m| {
        if m.rules.iter().any(|r| r.name == name) {
            return Err(bad("a rule with this rule_name already exists"));
        }
        m.rules.push(MaskRule {
            id,
            name,
            kind: "USER_DEFINE".into(),
            regex,
            mask_value: value,
            status: "ON".into(),
            operate_time: operate_time(),
        });
        Ok(success())
    })
}

async fn update_rule(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    require_write(who)?;
    let (name, regex, value) = rule_body(&body)?;
    emu.with_masking(&instance_id, |m| {
        if m.rules.iter().any(|r| r.name == name && r.id != id) {
            return Err(bad("a rule with this rule_name already exists"));
        }
        let at = find_rule(m, &id)?;
        let rule = &mut m.rules[at];
        if rule.kind == "BUILD_IN" {
            return Err(bad("built-in rules can only be switched on or off"));
        }
        rule.name = name;
        rule.regex = regex;
        rule.mask_value = value;
        rule.operate_time = operate_time();
        Ok(success())
    })
}

async fn delete_rule(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id, id)): Path<(String, String, String)>,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    require_write(who)?;
    emu.with_masking(&instance_id, |m| {
        let at = find_rule(m, &id)?;
        if m.rules[at].kind == "BUILD_IN" {
            return Err(bad("built-in rules cannot be deleted"));
        }
        m.rules.remove(at);
        Ok(success())
    })
}

/// Where rule `id` is in the instance's list, or DBSS's answer for an unknown id.
fn find_rule(m: &Masking, id: &str) -> Result<usize, Response> {
    m.rules
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| dbss_error(StatusCode::BAD_REQUEST, "DBSS.10020021", "Invalid request parameter ID."))
}

fn on_off(v: &Value) -> Result<String, Response> {
    match v.get("status").and_then(Value::as_str) {
        Some(s @ ("ON" | "OFF")) => Ok(s.to_string()),
        _ => Err(bad("status is required: ON or OFF")),
    }
}

async fn switch_rules(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    require_write(who)?;
    let v: Value = serde_json::from_slice(&body).map_err(|_| bad("the body must be JSON"))?;
    let status = on_off(&v)?;
    let ids: Vec<String> = match v.get("ids") {
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| bad("ids must be strings")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("ids is required: a non-empty array of rule ids")),
    };
    emu.with_masking(&instance_id, |m| {
        if let Some(missing) = ids.iter().find(|id| !m.rules.iter().any(|r| &r.id == *id)) {
            return Err(dbss_error(
                StatusCode::BAD_REQUEST,
                "DBSS.10020021",
                &format!("Invalid request parameter ID: {missing}"),
            ));
        }
        let now = operate_time();
        for r in m.rules.iter_mut().filter(|r| ids.contains(&r.id)) {
            r.status = status.clone();
            r.operate_time = now.clone();
        }
        Ok(success())
    })
}

async fn mask_switch(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, instance_id)): Path<(String, String)>,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    Ok(Json(json!({"status": emu.masking(&instance_id).mask_switch})).into_response())
}

async fn result_switch(
    State(emu): State<Arc<Emulator>>,
    Path((project_id, instance_id)): Path<(String, String)>,
) -> Result<Response, Response> {
    active_instance(&emu, &project_id, &instance_id)?;
    Ok(Json(json!({"status": emu.masking(&instance_id).result_switch})).into_response())
}

fn set_switch(
    emu: &Emulator,
    who: Identity,
    project_id: &str,
    instance_id: &str,
    body: &Bytes,
    set: impl FnOnce(&mut Masking, String),
) -> Result<Response, Response> {
    active_instance(emu, project_id, instance_id)?;
    require_write(who)?;
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("the body must be JSON"))?;
    let status = on_off(&v)?;
    emu.with_masking(instance_id, |m| set(m, status));
    Ok(success())
}

async fn set_mask_switch(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    set_switch(&emu, who, &project_id, &instance_id, &body, |m, s| m.mask_switch = s)
}

async fn set_result_switch(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path((project_id, instance_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Response> {
    set_switch(&emu, who, &project_id, &instance_id, &body, |m, s| m.result_switch = s)
}
