//! Security headers on every answer.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use app::ssr::csp::content_security_policy;

/// `hsts`: the public origin is https, so browsers are told to use nothing else for a year.
pub async fn security_headers(State(hsts): State<bool>, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // Pages set their own policy with a nonce while rendering; everything else gets the strict one.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&content_security_policy(None)) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    if hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    if !is_asset {
        // Pages and API answers are per user: never keep them in a shared cache.
        set(header::CACHE_CONTROL, "no-store");
    }
    resp
}

/// Request ids are the server's own: one a client sends is dropped before a new one is made, so
/// logs cannot be made to carry an id (or text) of the client's choosing.
pub async fn drop_client_request_id(mut req: Request, next: Next) -> Response {
    req.headers_mut().remove("x-request-id");
    next.run(req).await
}
