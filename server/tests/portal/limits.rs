//! Limits before any handler: oversized bodies answer 413 in the JSON error shape, naming the
//! limit; the upload route takes ten 1 MiB files.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

const ROUTES: &[&str] = &[
    "/api/auth/login",
    "/api/exports/containers",
    "/api/exports/history",
    "/api/scans/tasks",
    "/api/masking/create",
    "/api/scans/upload",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_16_mib_post_is_refused_with_413_on_every_route() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let body = vec![b'a'; 16 * 1024 * 1024];
    for route in ROUTES {
        let req = Request::post(*route)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body.clone()))
            .unwrap();
        let a = send(r, req).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{route}: {}", a.body);
        let e: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(e["kind"], "TooLarge", "{route}: {}", a.body);
        assert!(
            e["message"].as_str().unwrap().contains("KiB") || e["message"].as_str().unwrap().contains("MiB")
        );
    }
    // A body that declares no length stops at the limit too.
    let stream = futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 16 * 1024])));
    let req = Request::post("/api/exports/history")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from_stream(stream))
        .unwrap();
    let a = send(r, req).await;
    assert!(a.status.is_client_error(), "{}: {}", a.status, a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_files_of_1_mib_upload() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let line = "kind: ConfigMap\n";
    let content = line.repeat(1024 * 1024 / line.len());
    let files: Vec<_> =
        (0..10).map(|i| json!({"name": format!("big-{i}.yaml"), "content": content})).collect();
    let (status, uploaded) =
        call_json(r, "/api/scans/upload", json!({"file_type": "k8s_yaml", "files": files}), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    assert_eq!(uploaded.as_array().unwrap().len(), 10);
}
