//! Pages need a session: without one, a page request is sent to the login page and comes back
//! afterwards. Server functions check the session themselves and answer 401.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use app::dto::{encode_query_value, safe_next};
use app::ssr::session;

/// Paths anyone may load: the login page, health checks, server functions (which answer 401
/// themselves) and static assets: `/pkg/*` and the site root's files (`/favicon.svg`,
/// `/regex-worker.js`). A dotted name deeper down is a page like any other (`/masking/a.b`),
/// and no page route has a single dotted segment, so such a path is a file or a 404.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/healthz" | "/readyz")
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.strip_prefix('/').is_some_and(|name| !name.contains('/') && name.contains('.'))
}

pub async fn require_session(session: Session, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD) || (is_public(path) && path != "/login") {
        return next.run(req).await;
    }
    let signed_in = session::current(&session).await.is_some();
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    if path == "/login" {
        if signed_in {
            // Already signed in: go where the login would have led.
            let next = query_param(req.uri().query(), "next");
            return see_other(&safe_next(next.as_deref()));
        }
        return next.run(req).await;
    }
    if signed_in {
        return next.run(req).await;
    }
    let here = format!("{path}{query}");
    see_other(&format!("/login?next={}", encode_query_value(&here)))
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths() {
        for p in [
            "/login",
            "/healthz",
            "/readyz",
            "/api/auth/login",
            "/pkg/secportal.wasm",
            "/favicon.svg",
            "/regex-worker.js",
        ] {
            assert!(is_public(p), "{p}");
        }
        for p in ["/", "/exports", "/history", "/masking/a.b", "/scans/iac_scan/x.y", "/exports/.."] {
            assert!(!is_public(p), "{p}");
        }
    }
}
