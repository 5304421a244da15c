//! IAM v3: password tokens, token validation, project list (API reference §5).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::seed::{self, DemoProject};
use crate::state::IssuedToken;
use crate::Emulator;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/v3/auth/tokens", post(create_token).get(validate_token))
        .route("/v3/auth/projects", get(list_projects))
        .route("/v3/users/{user_id}/groups", get(list_groups_for_user))
        .route("/v3.0/OS-CREDENTIAL/securitytokens", post(security_token))
}

/// Keystone's error shape, which IAM uses for authentication failures.
fn keystone_error(status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = json!({"error": {"code": status.as_u16(), "message": message, "title": title}});
    with_trace_id((status, Json(body)).into_response())
}

fn bad_body(detail: &str) -> Response {
    let body = json!({"error_code": "IAM.0011", "error_msg": format!("Request body is invalid. {detail}")});
    with_trace_id((StatusCode::BAD_REQUEST, Json(body)).into_response())
}

fn with_trace_id(mut resp: Response) -> Response {
    let id = hex::encode(rand::random::<[u8; 16]>());
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-iam-trace-id", v);
    }
    resp
}

/// IAM's timestamps carry microseconds: `2020-01-04T09:08:49.965000Z`.
fn iam_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

fn token_body(t: &IssuedToken) -> Value {
    let domain = json!({"id": seed::DOMAIN_ID, "name": seed::DOMAIN_NAME});
    let role = if t.user.read_only { "readonly" } else { "te_admin" };
    let methods = if t.mfa { json!(["password", "totp"]) } else { json!(["password"]) };
    let mut token = json!({
        "methods": methods,
        "expires_at": iam_time(t.expires_at),
        "issued_at": iam_time(t.issued_at),
        "user": {"id": t.user.id, "name": t.user.name, "password_expires_at": "", "domain": domain},
        "roles": [{"id": "0", "name": role}],
    });
    match t.project {
        Some(p) => token["project"] = json!({"id": p.id, "name": p.name, "domain": domain}),
        None => token["domain"] = domain,
    }
    json!({ "token": token })
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(*k)).and_then(Value::as_str)
}

/// The passcode every demo user's virtual MFA device shows (emulator choice: no real TOTP).
pub const DEMO_MFA_PASSCODE: &str = "123456";

/// What IAM answers a password-only request for a user with MFA login protection. UNKNOWN in
/// the API reference; emulator choice: 401 in IAM's `error_code` shape with this code, and a
/// message that names MFA (the portal recognises either, `cloud::CloudError::is_mfa_required`).
pub const MFA_REQUIRED_CODE: &str = "IAM.0113";

/// Who a token request authenticates, by its method: password (optionally with a virtual MFA
/// passcode) or an existing token (re-scoping); and whether a passcode was checked.
fn authenticate_identity(
    emu: &Emulator,
    identity: &Value,
) -> Result<(&'static seed::DemoUser, bool), Response> {
    let methods = identity.get("methods").cloned().unwrap_or(Value::Null);
    if methods == json!(["token"]) {
        let Some(token) = identity.pointer("/token/id").and_then(Value::as_str) else {
            return Err(bad_body("auth.identity.token.id is required."));
        };
        return emu
            .token(token)
            .map(|t| (t.user, t.mfa))
            .ok_or_else(|| keystone_error(StatusCode::UNAUTHORIZED, "The token must be updated."));
    }
    let with_mfa = methods == json!(["password", "totp"]);
    if methods != json!(["password"]) && !with_mfa {
        return Err(bad_body(
            "auth.identity.methods must be [\"password\"], [\"password\", \"totp\"] or [\"token\"].",
        ));
    }
    let user = identity.pointer("/password/user").unwrap_or(&Value::Null);
    let (Some(name), Some(password)) = (str_at(user, &["name"]), str_at(user, &["password"])) else {
        return Err(bad_body("auth.identity.password.user needs name and password."));
    };
    let domain_ok = match (str_at(user, &["domain", "name"]), str_at(user, &["domain", "id"])) {
        (Some(n), _) => n == seed::DOMAIN_NAME,
        (None, Some(id)) => id == seed::DOMAIN_ID,
        (None, None) => return Err(bad_body("auth.identity.password.user.domain needs name or id.")),
    };
    // One message for every credential mismatch, so a caller cannot tell which part was wrong.
    let found = match seed::user(name) {
        Some(u) if domain_ok && u.password == password => u,
        _ => return Err(keystone_error(StatusCode::UNAUTHORIZED, "The username or password is wrong.")),
    };
    if with_mfa {
        let user_id = identity.pointer("/totp/user/id").and_then(Value::as_str);
        let passcode = identity.pointer("/totp/user/passcode").and_then(Value::as_str);
        if user_id != Some(found.id) || passcode != Some(DEMO_MFA_PASSCODE) {
            return Err(keystone_error(StatusCode::UNAUTHORIZED, "The verification code is wrong."));
        }
    } else if found.mfa {
        let body = json!({"error_code": MFA_REQUIRED_CODE,
                          "error_msg": "Login protection is on: a virtual MFA verification code is required."});
        return Err(with_trace_id((StatusCode::UNAUTHORIZED, Json(body)).into_response()));
    }
    Ok((found, with_mfa))
}

async fn create_token(State(emu): State<Arc<Emulator>>, body: axum::body::Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return bad_body("The body is not JSON.");
    };
    let Some(identity) = req.pointer("/auth/identity") else {
        return bad_body("auth.identity is required.");
    };
    let (user, mfa) = match authenticate_identity(&emu, identity) {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let project: Option<&'static DemoProject> = match req.pointer("/auth/scope/project") {
        None => None,
        Some(scope) => {
            let found = match (str_at(scope, &["id"]), str_at(scope, &["name"])) {
                (Some(id), _) => seed::project_by_id(id),
                (None, Some(n)) => seed::project_by_name(n),
                (None, None) => return bad_body("auth.scope.project needs id or name."),
            };
            match found {
                Some(p) => Some(p),
                None => {
                    return keystone_error(
                        StatusCode::BAD_REQUEST,
                        "The project does not exist in this account.",
                    )
                }
            }
        }
    };
    let (token, issued) = emu.issue_token(user, project, mfa);
    let mut resp = (StatusCode::CREATED, Json(token_body(&issued))).into_response();
    resp.headers_mut()
        .insert("x-subject-token", HeaderValue::from_str(&token).expect("base64 is a valid header"));
    with_trace_id(resp)
}

/// `POST /v3.0/OS-CREDENTIAL/securitytokens`: temporary AK/SK for the token's user, valid
/// 900–86400 seconds; calls signed with them must carry the security token.
async fn security_token(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return bad_body("The body is not JSON.");
    };
    // The token to exchange: `auth.identity.token.id` when given, else the caller's X-Auth-Token.
    let issuer = match req.pointer("/auth/identity/token/id").and_then(Value::as_str) {
        Some(id) => match emu.token(id) {
            Some(t) => t,
            None => return keystone_error(StatusCode::UNAUTHORIZED, "The token must be updated."),
        },
        None => match caller(&emu, &headers) {
            Ok(t) => t,
            Err(resp) => return resp,
        },
    };
    if req.pointer("/auth/identity/methods") != Some(&json!(["token"])) {
        return bad_body("auth.identity.methods must be [\"token\"].");
    }
    let seconds = req.pointer("/auth/identity/token/duration_seconds").and_then(Value::as_i64).unwrap_or(900);
    if !(900..=86_400).contains(&seconds) {
        return bad_body("duration_seconds must be 900 to 86400.");
    }
    let temp = emu.issue_temporary_key(issuer.user, std::time::Duration::from_secs(seconds as u64));
    let body = json!({"credential": {"access": temp.access_key, "secret": temp.secret_key,
                                     "securitytoken": temp.security_token, "expires_at": iam_time(temp.expires_at)}});
    with_trace_id((StatusCode::CREATED, Json(body)).into_response())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Read calls accept a token or an AK/SK signature (as the SDKs' global credentials send).
fn reader(
    emu: &Emulator,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Result<(), Response> {
    if headers.contains_key("authorization") {
        return crate::gateway::authenticate(emu, method, uri.path(), uri.query(), headers, b"").map(drop);
    }
    caller(emu, headers).map(drop)
}

fn caller(emu: &Emulator, headers: &HeaderMap) -> Result<IssuedToken, Response> {
    let Some(token) = header(headers, "x-auth-token") else {
        return Err(keystone_error(
            StatusCode::UNAUTHORIZED,
            "The request you have made requires authentication.",
        ));
    };
    emu.token(token).ok_or_else(|| keystone_error(StatusCode::UNAUTHORIZED, "The token must be updated."))
}

async fn validate_token(
    State(emu): State<Arc<Emulator>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = reader(&emu, &method, &uri, &headers) {
        return resp;
    }
    let Some(subject) = header(&headers, "x-subject-token") else {
        return bad_body("X-Subject-Token header is required.");
    };
    let Some(issued) = emu.token(subject) else {
        return keystone_error(StatusCode::NOT_FOUND, "Could not find token.");
    };
    let mut resp = (StatusCode::OK, Json(token_body(&issued))).into_response();
    resp.headers_mut().insert("x-subject-token", HeaderValue::from_str(subject).expect("came from a header"));
    with_trace_id(resp)
}

async fn list_projects(
    State(emu): State<Arc<Emulator>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = reader(&emu, &method, &uri, &headers) {
        return resp;
    }
    let projects: Vec<Value> = seed::PROJECTS
        .iter()
        .map(|p| {
            json!({"id": p.id, "name": p.name, "domain_id": seed::DOMAIN_ID, "parent_id": seed::DOMAIN_ID,
                   "enabled": true, "is_domain": false, "description": "",
                   "links": {"self": format!("/v3/projects/{}", p.id)}})
        })
        .collect();
    with_trace_id(Json(json!({"links": {"self": "/v3/auth/projects"}, "projects": projects})).into_response())
}

/// KeystoneListGroupsForUser. IAM asks for read permission on IAM: here, membership of a group
/// with `iam_read`; anyone else gets Keystone's 403.
async fn list_groups_for_user(
    State(emu): State<Arc<Emulator>>,
    axum::extract::Path(user_id): axum::extract::Path<String>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    // The account's access keys read everything; a token reads as its user's groups allow.
    let may_read = if headers.contains_key("authorization") {
        match crate::gateway::authenticate(&emu, &method, uri.path(), uri.query(), &headers, b"") {
            Ok(_) => true,
            Err(resp) => return resp,
        }
    } else {
        match caller(&emu, &headers) {
            Ok(issued) => seed::groups_of(issued.user.name).any(|g| g.iam_read),
            Err(resp) => return resp,
        }
    };
    if !may_read {
        return keystone_error(
            StatusCode::FORBIDDEN,
            "You are not authorized to perform the requested action: identity:list_groups_for_user.",
        );
    }
    let Some(user) = seed::user_by_id(&user_id) else {
        return keystone_error(StatusCode::NOT_FOUND, &format!("Could not find user: {user_id}."));
    };
    let groups: Vec<Value> = seed::groups_of(user.name)
        .map(|g| {
            json!({"id": g.id, "name": g.name, "domain_id": seed::DOMAIN_ID, "description": "",
                   "create_time": 1_767_225_600_000_i64,
                   "links": {"self": format!("/v3/groups/{}", g.id)}})
        })
        .collect();
    let own = format!("/v3/users/{user_id}/groups");
    with_trace_id(
        Json(json!({"groups": groups, "links": {"self": own, "previous": null, "next": null}}))
            .into_response(),
    )
}
