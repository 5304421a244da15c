//! The API gateway in front of every emulated service: who is calling (IAM token or AK/SK
//! signature, checked as the real gateway does), and its error shape.
//!
//! The signature check is written here from the API reference on its own, not shared with the
//! `cloud` crate's signer, so that a mistake in one shows up as a failure against the other.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::seed::{self, DemoUser};
use crate::Emulator;

/// Requests signed further than this from the server clock are refused.
const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// The caller, once the gateway has let it through.
#[derive(Clone, Copy, Debug)]
pub struct Identity {
    pub user: &'static DemoUser,
}

/// `{"error_code":"APIGW.0301",…}`: how the gateway answers before a service sees the call.
pub fn gateway_error(status: StatusCode, code: &str, message: &str) -> Response {
    let request_id = hex::encode(rand::random::<[u8; 16]>());
    (status, Json(json!({"error_code": code, "error_msg": message, "request_id": request_id})))
        .into_response()
}

fn unauthorized(detail: &str) -> Response {
    gateway_error(
        StatusCode::UNAUTHORIZED,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {detail}"),
    )
}

/// Checks the call's credentials. `raw_path` and `raw_query` are exactly as received.
pub fn authenticate(
    emu: &Emulator,
    method: &Method,
    raw_path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Identity, Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(authz) = header("authorization") {
        return verify_signature(emu, method, raw_path, raw_query, headers, body, authz);
    }
    let Some(token) = header("x-auth-token") else {
        return Err(unauthorized("x-auth-token not found"));
    };
    match emu.token(token) {
        Some(t) => Ok(Identity { user: t.user }),
        None if emu.token_was_issued(token) => Err(unauthorized("token expires")),
        None => Err(unauthorized("decrypt token fail")),
    }
}

fn verify_signature(
    emu: &Emulator,
    method: &Method,
    raw_path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    authz: &str,
) -> Result<Identity, Response> {
    let Some(params) = authz.strip_prefix("SDK-HMAC-SHA256 ") else {
        return Err(unauthorized("unsupported signing algorithm"));
    };
    let mut access = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in params.split(',') {
        match part.trim().split_once('=') {
            Some(("Access", v)) => access = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    let (Some(access), Some(signed_headers), Some(signature)) = (access, signed_headers, signature) else {
        return Err(unauthorized("verify aksk signature fail"));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // A permanent demo key, or a temporary one that must come with its security token.
    let (secret, user): (String, &'static DemoUser) = if let Some(k) =
        seed::ACCESS_KEYS.iter().find(|k| k.access_key == access)
    {
        (k.secret_key.to_string(), seed::user(k.user).expect("access keys belong to seeded users"))
    } else if let Some(k) = emu.temporary_key(access) {
        if header("x-security-token") != Some(k.security_token.as_str()) {
            return Err(unauthorized("verify aksk signature fail, the security token is missing or wrong"));
        }
        (k.secret_key, k.user)
    } else {
        return Err(unauthorized(&format!("Get secretKey failed,ak:{access},err:ak not exist")));
    };
    let Some(date) = header("x-sdk-date") else {
        return Err(unauthorized("verify aksk signature fail"));
    };
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let Ok(signed_at) = PrimitiveDateTime::parse(date, &format) else {
        return Err(unauthorized("verify aksk signature fail"));
    };
    if (OffsetDateTime::now_utc() - signed_at.assume_utc()).whole_seconds().abs() > MAX_SKEW_SECONDS {
        return Err(unauthorized(
            "verify aksk signature fail, the x-sdk-date is out of the 15 minutes window",
        ));
    }
    if !signed_headers.split(';').any(|h| h == "x-sdk-date") {
        return Err(unauthorized("verify aksk signature fail"));
    }

    let mut canonical_headers = String::new();
    for name in signed_headers.split(';') {
        let value = header(name).unwrap_or_default();
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let payload = match header("x-sdk-content-sha256") {
        Some(v) => v.to_string(),
        None => hex::encode(Sha256::digest(body)),
    };
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.as_str(),
        canonical_path(raw_path),
        canonical_query(raw_query.unwrap_or("")),
        canonical_headers,
        signed_headers,
        payload
    );
    let to_sign = format!("SDK-HMAC-SHA256\n{date}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(unauthorized("verify aksk signature fail"));
    }
    Ok(Identity { user })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 3986 unreserved bytes stay, the rest become `%XX`.
fn escape(raw: &[u8]) -> String {
    raw.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn unescape(s: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn canonical_path(raw: &str) -> String {
    let mut path = raw.split('/').map(|seg| escape(&unescape(seg, false))).collect::<Vec<_>>().join("/");
    if !path.ends_with('/') {
        path.push('/');
    }
    path
}

fn canonical_query(raw: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (escape(&unescape(k, true)), escape(&unescape(v, true)))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// Service routes only run for an authenticated caller, whose [`Identity`] handlers read from
/// the request extensions.
pub async fn require_identity(
    axum::extract::State(emu): axum::extract::State<std::sync::Arc<Emulator>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    // Uploads are the largest bodies (IaC files); the real gateway refuses far smaller ones.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "APIGW.0201", "Request entity too large");
    };
    let identity = match authenticate(
        &emu,
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        &bytes,
    ) {
        Ok(identity) => identity,
        Err(resp) => return resp,
    };
    tracing::debug!(user = identity.user.name, path = parts.uri.path(), "authenticated");
    // HSS allows each user 5 calls a minute per API (reference §1.7); DBSS and DSC publish none.
    if parts.uri.path().starts_with("/v5/") {
        let api =
            parts.extensions.get::<axum::extract::MatchedPath>().map_or(parts.uri.path(), |m| m.as_str());
        let api = format!("{} {api}", parts.method);
        if let Some(limit) = emu.over_rate_limit(identity.user.name, &api) {
            return gateway_error(
                StatusCode::TOO_MANY_REQUESTS,
                "APIGW.0308",
                &format!("The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 minute"),
            );
        }
    }
    parts.extensions.insert(identity);
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// Every answer carries an `X-Request-Id`, as the real API gateway's do.
pub async fn request_id(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    if !resp.headers().contains_key("x-request-id") {
        let id = hex::encode(rand::random::<[u8; 16]>());
        if let Ok(v) = HeaderValue::from_str(&id) {
            resp.headers_mut().insert("x-request-id", v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_match_the_reference() {
        assert_eq!(canonical_path("/v5/abc/common/task"), "/v5/abc/common/task/");
        assert_eq!(canonical_path("/a%20b/c"), "/a%20b/c/");
        assert_eq!(
            canonical_query("test=%E4%B8%80+%28%26%3D%3F%21%23%25.*%29&multi=2&multi=1&enable=true"),
            "enable=true&multi=1&multi=2&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
    }
}
