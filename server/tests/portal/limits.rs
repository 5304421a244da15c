//! Limits before any handler: the upload route takes ten 1 MiB files (16 MiB posts are in the
//! memory test binary), and the listener closes connections that send half a header.

use crate::common::*;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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

/// The real listener on a free loopback port, stopped when the returned sender drops.
async fn listening(p: &Portal) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = p.built.router.clone();
    tokio::spawn(server::listen::serve(listener, router, server::listen::Limits::default(), async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn half_a_header_is_cut_off_within_15_s() {
    let p = portal(&[]).await;
    let (addr, _stop) = listening(&p).await;

    // A whole request on a keep-alive connection is answered.
    let mut whole = tokio::net::TcpStream::connect(addr).await.unwrap();
    whole.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let mut answer = [0u8; 64];
    let n = whole.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..n]));

    // Half a header, then silence: the server hangs up (the default header timeout is 10 s).
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0").await.unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(15), slow.read_to_end(&mut rest)).await;
    let waited = started.elapsed();
    println!("half a header: connection closed after {:.1} s", waited.as_secs_f64());
    assert!(read.is_ok(), "the connection was still open after 15 s");
    assert!(waited >= Duration::from_secs(5), "closed too early: {waited:?}");
}
