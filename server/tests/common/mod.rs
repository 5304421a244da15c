//! Builds the real router in-process (demo mode, temporary data directory) and drives it with
//! plain requests, keeping cookies by hand so every flag can be checked.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use clap::Parser;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

pub struct Portal {
    pub built: server::Built,
    pub dir: std::path::PathBuf,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn portal(extra: &[&str]) -> Portal {
    let dir = std::env::temp_dir().join(format!("secportal-test-{}", rand::random::<u64>()));
    let mut args = vec!["secportal", "--data-dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let config = server::Config::parse_from(args);
    let options = LeptosOptions::builder()
        .output_name("secportal")
        .site_root(dir.join("site").to_string_lossy().to_string())
        .build();
    let built = server::build(&config, options).await.expect("portal builds");
    Portal { built, dir }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The session cookie this answer sets, as the full `Set-Cookie` line.
    pub fn session_cookie_line(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("secportal_session="))
            .map(str::to_string)
    }

    /// `name=value` of the session cookie, ready for a `Cookie` header.
    pub fn session_cookie(&self) -> Option<String> {
        self.session_cookie_line().map(|l| l.split(';').next().unwrap().to_string())
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Answer {
    let resp: Response<Body> = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::HOST, "127.0.0.1:3000");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

/// A same-origin form post, as the browser's fetch from the page would send it.
pub fn post_form(path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body)).unwrap()
}

pub const OPERATOR: &[(&str, &str)] = &[
    ("domain", "secportal-demo"),
    ("user", "operator"),
    ("password", "operator-pass-1"),
    ("region", "cn-north-4"),
];

/// Signs in as the demo operator and returns the session cookie.
pub async fn sign_in(router: &Router) -> String {
    let a = send(router, post_form("/api/auth/login", OPERATOR, None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.session_cookie().expect("sign-in sets the session cookie")
}
