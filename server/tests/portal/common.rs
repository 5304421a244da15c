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

impl Portal {
    /// The in-process emulator of a demo portal.
    pub fn emulator(&self) -> &emulator::Emulator {
        &self.built.emulator.as_ref().expect("a demo portal").emulator
    }
}

/// A demo portal whose tasks are done at the tracker's first look, and the operator's cookie.
pub async fn quick_demo() -> (Portal, String) {
    let p = portal(&[]).await;
    p.emulator().set_task_timing(emulator::timing::TaskTiming::AfterReads(1));
    let cookie = sign_in(&p.built.router).await;
    (p, cookie)
}

pub async fn portal(extra: &[&str]) -> Portal {
    let dir = std::env::temp_dir().join(format!("secportal-test-{}", rand::random::<u64>()));
    let built = build_at(&dir, extra).await;
    Portal { built, dir }
}

/// A portal on a given data directory, which outlives it (restart tests build twice).
pub async fn build_at(dir: &std::path::Path, extra: &[&str]) -> server::Built {
    let mut args = vec!["secportal", "--data-dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let config = server::Config::parse_from(args);
    let options = LeptosOptions::builder()
        .output_name("secportal")
        .site_root(dir.join("site").to_string_lossy().to_string())
        .build();
    server::build(&config, options).await.expect("portal builds")
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
            .find(|v| v.starts_with("__Host-secportal_session=") || v.starts_with("secportal_session="))
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

/// One request through the router, answer and body bounded: a request that hangs fails the
/// test naming itself instead of holding the run until the suite's time limit.
pub async fn send(router: &Router, req: Request<Body>) -> Answer {
    let what = format!("{} {}", req.method(), req.uri());
    let answered = tokio::time::timeout(std::time::Duration::from_secs(90), async {
        let resp: Response<Body> = router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    })
    .await;
    answered.unwrap_or_else(|_| panic!("{what}: no whole answer within 90 s"))
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

/// A same-origin JSON post (the export forms send nested input as JSON).
pub fn post_json(path: &str, body: &serde_json::Value, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

/// The IaC upload's form as the browser's `FormData` sends it: a `file_type` field, then one
/// `file` part per (name, content).
pub fn post_upload(file_type: &str, files: &[(&str, &[u8])], cookie: Option<&str>) -> Request<Body> {
    const BOUNDARY: &str = "----secportal-test-boundary-7d1e";
    let mut body =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\n{file_type}\r\n")
            .into_bytes();
    for (name, content) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut b = Request::post("/api/scans/upload")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body)).unwrap()
}

/// Uploads IaC files and parses the answer.
pub async fn call_upload(
    router: &Router,
    file_type: &str,
    files: &[(&str, &[u8])],
    cookie: &str,
) -> (StatusCode, serde_json::Value) {
    let a = send(router, post_upload(file_type, files, Some(cookie))).await;
    (a.status, serde_json::from_str(&a.body).unwrap_or(serde_json::Value::Null))
}

pub const AUDITOR: &[(&str, &str)] = &[
    ("domain", "secportal-demo"),
    ("user", "auditor"),
    ("password", "auditor-pass-1"),
    ("region", "cn-north-4"),
];

pub async fn sign_in_as(router: &Router, who: &[(&str, &str)]) -> String {
    let a = send(router, post_form("/api/auth/login", who, None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.session_cookie().expect("sign-in sets the session cookie")
}

/// Calls a server function with a JSON body and parses the answer.
pub async fn call_json(
    router: &Router,
    path: &str,
    body: serde_json::Value,
    cookie: &str,
) -> (StatusCode, serde_json::Value) {
    let a = send(router, post_json(path, &body, Some(cookie))).await;
    (a.status, serde_json::from_str(&a.body).unwrap_or(serde_json::Value::Null))
}

/// Calls a server function with form fields and parses the answer.
pub async fn call_form(
    router: &Router,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, serde_json::Value) {
    let a = send(router, post_form(path, form, Some(cookie))).await;
    (a.status, serde_json::from_str(&a.body).unwrap_or(serde_json::Value::Null))
}

/// Waits (bounded) until the tracker has seen a task end, and returns its history row.
pub async fn wait_finished(
    router: &Router,
    cookie: &str,
    id: &str,
    within: std::time::Duration,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + within;
    loop {
        let (status, row) = call_form(router, "/api/exports/status", &[("id", id)], cookie).await;
        assert_eq!(status, StatusCode::OK, "{row}");
        if !matches!(row["status"].as_str(), Some("creating" | "checking" | "running")) {
            return row;
        }
        assert!(std::time::Instant::now() < deadline, "export {id} still running: {row}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Downloads a finished export through the portal.
pub async fn download(
    router: &Router,
    cookie: &str,
    id: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = router.clone().oneshot(get(&format!("/exports/{id}/download"), Some(cookie))).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

/// The first entry of a stored (uncompressed) ZIP as text lines: enough to read the CSV the
/// emulator exports, written from the format rather than with the emulator's code.
pub fn zip_first_entry_lines(zip: &[u8]) -> Vec<String> {
    assert_eq!(&zip[..4], b"PK\x03\x04", "not a ZIP");
    let name_len = u16::from_le_bytes([zip[26], zip[27]]) as usize;
    let extra_len = u16::from_le_bytes([zip[28], zip[29]]) as usize;
    let size = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
    let start = 30 + name_len + extra_len;
    let text = String::from_utf8(zip[start..start + size].to_vec()).unwrap();
    text.trim_start_matches('\u{feff}').lines().map(str::to_string).collect()
}

/// A create's body with a fresh idempotency key, as a form shown once sends it.
pub fn keyed(mut body: serde_json::Value) -> serde_json::Value {
    body["idempotency_key"] = serde_json::Value::String(format!("test-{:032x}", rand::random::<u128>()));
    body
}

/// The demo account's writable team users (`team01`…`team09`), for tests with many users.
pub fn team(n: u32) -> Vec<(&'static str, String)> {
    vec![
        ("domain", "secportal-demo".into()),
        ("user", format!("team{n:02}")),
        ("password", format!("team{n:02}-pass-1")),
        ("region", "cn-north-4".into()),
    ]
}

pub async fn sign_in_team(r: &axum::Router, n: u32) -> String {
    let who = team(n);
    let form: Vec<(&str, &str)> = who.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sign_in_as(r, &form).await
}

/// Ids of `n` seeded clusters HSS scans without trouble: available, the agent installed on every
/// node without failures.
pub fn healthy_clusters(p: &Portal, n: usize) -> Vec<String> {
    let data = p.emulator().data();
    let healthy = data.clusters.iter().filter(|c| {
        c.status == "Available" && c.agent_ds_install_status == "Installed" && c.agent_install_failed_num == 0
    });
    healthy.take(n).map(|c| c.cluster_id.clone()).collect()
}
