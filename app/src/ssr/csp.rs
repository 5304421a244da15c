//! Content-Security-Policy: one policy for every answer. Pages get a fresh nonce that Leptos puts
//! on its inline hydration and streaming scripts, so no other inline script can run. Styles come
//! from the stylesheet only (no page uses inline styles).

use axum::http::{header, HeaderValue};
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The policy; `nonce` allows the inline scripts of one page.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; worker-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Called while a page renders: makes its nonce and sends the matching policy header.
pub fn provide_page_policy() {
    provide_nonce();
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
