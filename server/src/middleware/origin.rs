//! Refuses state-changing requests that a browser sends on behalf of another site (CSRF), and,
//! when a public origin is set, any request addressed to another host (DNS rebinding: a hostile
//! name resolved to the portal's address would otherwise be same-origin with the portal).
//! Leptos checks nothing here itself, so this runs before any handler.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use url::Url;

use app::error::{AppError, ErrorKind};

#[derive(Clone, Debug, Default)]
pub struct OriginPolicy {
    /// `scheme://host[:port]` browsers use; `None` means "the request's Host".
    pub public_origin: Option<String>,
    /// The Host headers that name the public origin (`host:port`, and `host` alone where the
    /// port is the scheme's default).
    hosts: Vec<String>,
}

/// Probes answer whatever name the orchestrator uses.
const ANY_HOST: &[&str] = &["/healthz", "/readyz"];

impl OriginPolicy {
    pub fn new(public_origin: Option<&Url>) -> Self {
        let hosts = public_origin
            .and_then(|u| {
                let host = u.host_str()?.to_ascii_lowercase();
                let port = u.port_or_known_default()?;
                let mut names = vec![format!("{host}:{port}")];
                if u.port().is_none() {
                    names.push(host);
                }
                Some(names)
            })
            .unwrap_or_default();
        Self { public_origin: public_origin.map(|u| u.origin().ascii_serialization()), hosts }
    }

    /// Whether the request is addressed to the portal (always, without a public origin).
    fn host_allowed(&self, req: &Request) -> bool {
        if self.public_origin.is_none() || ANY_HOST.contains(&req.uri().path()) {
            return true;
        }
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    fn allows(&self, req: &Request) -> bool {
        let headers = req.headers();
        if let Some(origin) = headers.get(header::ORIGIN) {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            return match &self.public_origin {
                Some(public) => origin.eq_ignore_ascii_case(public),
                None => {
                    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
                    match (Url::parse(origin), host) {
                        (Ok(o), Some(host)) if o.scheme() == "http" || o.scheme() == "https" => {
                            let o_host = match o.port() {
                                Some(p) => format!("{}:{p}", o.host_str().unwrap_or_default()),
                                None => o.host_str().unwrap_or_default().to_string(),
                            };
                            o_host.eq_ignore_ascii_case(host)
                        }
                        // "null" (sandboxed or privacy-redirected) and anything unparsable.
                        _ => false,
                    }
                }
            };
        }
        // Without Origin, modern browsers still say where a request came from.
        match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some(site) => matches!(site, "same-origin" | "none"),
            // Neither header: not a browser (curl, scripts), so no ambient cookie was forged.
            None => true,
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

pub async fn refuse_cross_site(
    State(policy): State<Arc<OriginPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    if !policy.host_allowed(&req) {
        let host = req.headers().get(header::HOST).map(|h| format!("{h:?}")).unwrap_or_default();
        tracing::warn!(host = %host, path = %req.uri().path(), "refused a request for another host");
        let error = AppError::new(
            ErrorKind::Forbidden,
            "Refused: this request was addressed to another host than the portal's public address.",
        );
        return (StatusCode::MISDIRECTED_REQUEST, Json(error)).into_response();
    }
    if is_safe(req.method()) || policy.allows(&req) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "refused a cross-site request");
    let error = AppError::new(ErrorKind::Forbidden, "Refused: this request came from another site.");
    (StatusCode::FORBIDDEN, Json(error)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method("POST").uri("/api/auth/logout");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn same_host_passes_other_sites_do_not() {
        let p = OriginPolicy::default();
        assert!(p.allows(&req(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])));
        assert!(!p.allows(&req(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.test")])));
        assert!(!p.allows(&req(&[("host", "127.0.0.1:3000"), ("origin", "null")])));
        assert!(!p.allows(&req(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")])));
        assert!(!p.allows(&req(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-site")])));
        assert!(p.allows(&req(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-origin")])));
        assert!(p.allows(&req(&[("host", "127.0.0.1:3000")])));
    }

    #[test]
    fn public_origin_is_the_only_one_behind_a_proxy() {
        let p = OriginPolicy::new(Some(&Url::parse("https://portal.example.com").unwrap()));
        assert!(p.allows(&req(&[("host", "backend:3000"), ("origin", "https://portal.example.com")])));
        assert!(!p.allows(&req(&[("host", "backend:3000"), ("origin", "http://backend:3000")])));
    }

    fn get(path: &str, host: &str) -> Request {
        axum::http::Request::builder().uri(path).header("host", host).body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn only_the_public_host_is_served() {
        let p = OriginPolicy::new(Some(&Url::parse("https://Portal.example.com").unwrap()));
        assert!(p.host_allowed(&get("/history", "portal.example.com")));
        assert!(p.host_allowed(&get("/history", "portal.example.com:443")));
        assert!(!p.host_allowed(&get("/history", "rebound.evil.test")));
        assert!(!p.host_allowed(&get("/history", "portal.example.com:8443")));
        assert!(p.host_allowed(&get("/readyz", "10.0.0.7:3000")));
        let p = OriginPolicy::new(Some(&Url::parse("http://127.0.0.1:8080").unwrap()));
        assert!(p.host_allowed(&get("/", "127.0.0.1:8080")));
        assert!(!p.host_allowed(&get("/", "127.0.0.1:3000")));
        assert!(OriginPolicy::default().host_allowed(&get("/", "anything:1")));
    }
}
