//! Limits before any handler: the upload route takes ten 1 MiB files (16 MiB posts are in the
//! memory test binary), and the listener closes connections that send half a header.

use crate::common::*;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_files_of_1_mib_upload_as_multipart() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let mib = cloud::model::hss::MAX_FILE_BYTES;
    // Exactly 1 MiB each, of the bytes JSON would have had to escape.
    let line = "a: \"\\\"\n";
    let mut content = line.repeat(mib / line.len() + 1).into_bytes();
    content.truncate(mib);
    let names: Vec<String> = (0..11).map(|i| format!("big-{i}.yaml")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), content.as_slice())).collect();

    let (status, uploaded) = call_upload(r, "k8s_yaml", &files[..10], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    let uploaded = uploaded.as_array().unwrap();
    assert_eq!(uploaded.len(), 10);
    assert!(uploaded.iter().all(|f| f["file_size"] == mib as u64), "{uploaded:?}");

    // Past the bounds: named, and refused when the part passes them.
    let (status, e) = call_upload(r, "k8s_yaml", &files, &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("files")), "{e}");
    let mut big = content.clone();
    big.push(b'\n');
    let (status, e) = call_upload(r, "k8s_yaml", &[("big.yaml", &big)], &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("files")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("1024 KiB"), "{e}");

    // JSON (the old shape) is refused before its body is read, naming what is expected.
    let a = send(
        r,
        post_json("/api/scans/upload", &json!({"file_type": "k8s_yaml", "files": []}), Some(&cookie)),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.body);
    assert!(a.body.contains("multipart/form-data"), "{}", a.body);
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
