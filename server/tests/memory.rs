//! Memory bounds: a 100 MB export streams through the portal without the server's memory
//! growing by its size, and 16 MiB posts are refused without being held. In a test binary of
//! their own, one at a time, so no other test's allocations blur the measurements.

#[path = "portal/common.rs"]
mod common;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use common::*;
use emulator::timing::TaskTiming;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const FILE_BYTES: u32 = 100 * 1024 * 1024;
const LIMIT_BYTES: u64 = 32 * 1024 * 1024;

/// Linux: peak resident memory since the last reset, and the reset (writing 5 to clear_refs).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb * 1024
}

fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS");
}

/// One measurement at a time.
static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_100_mb_download_streams_in_little_memory() {
    let _alone = ALONE.lock().await;
    let p = portal(&[]).await;
    let emu = p.emulator();
    emu.set_task_timing(TaskTiming::Immediate);
    emu.set_export_padding(FILE_BYTES);
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let body = json!({"input": {"columns": [{"key": "container_name", "title": "Name"}], "export_size": 10}});
    let (status, created) = call_json(r, "/api/exports/containers", keyed(body), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["row"]["id"].as_str().unwrap();
    assert_eq!(wait_finished(r, &cookie, id, Duration::from_secs(40)).await["status"], "success");

    reset_peak();
    let before = peak_rss();
    let resp = r.clone().oneshot(get(&format!("/exports/{id}/download"), Some(&cookie))).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let announced: u64 = resp.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let mut body = resp.into_body();
    let (mut received, mut first) = (0u64, Vec::new());
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            if first.len() < 4 {
                first.extend_from_slice(&data[..data.len().min(4)]);
            }
            received += data.len() as u64;
        }
    }
    let growth = peak_rss().saturating_sub(before);
    println!(
        "download: {received} bytes streamed; peak RSS grew by {:.1} MiB (limit {} MiB)",
        growth as f64 / 1048576.0,
        LIMIT_BYTES / 1048576
    );
    assert_eq!(&first[..4], b"PK\x03\x04");
    assert_eq!(received, announced);
    assert!(received > u64::from(FILE_BYTES));
    assert!(growth < LIMIT_BYTES, "memory grew by {growth} bytes");
}

/// Entries in the audit log for the export measurement: about 16 MiB of CSV (measured: 3 times
/// as many grow the peak no more).
const AUDIT_ENTRIES: u32 = 40_000;
const AUDIT_GROWTH_LIMIT: u64 = 8 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_exports_stream_in_little_memory() {
    let _alone = ALONE.lock().await;
    let p = portal(&["--admins", "secportal-demo/operator"]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    // Entries of the operator's account written straight into the table, as many sign-ins.
    let params = format!("{{\"note\":\"{}\"}}", "x".repeat(200));
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
         INSERT INTO audit (at, domain_id, domain_name, user_id, user_name, project_id, region, client, action, \
           target_kind, target_id, target_name, params, result, request_id, session_hash) \
         SELECT 1767225600000 + i, ?, 'secportal-demo', 'u' || (i % 7), 'user' || (i % 7), 'p', 'cn-north-4', \
           '10.0.0.' || (i % 250), 'masking_rule_update', 'masking_rule', 'rule-' || i, 'Rule ' || i, ?, 'ok', \
           'req-' || i, 'abcdef0123456789' FROM n",
    )
    .bind(AUDIT_ENTRIES)
    .bind(emulator::seed::DOMAIN_ID)
    .bind(&params)
    .execute(p.built.storage.sqlite())
    .await
    .unwrap();
    for format in ["csv", "xlsx"] {
        reset_peak();
        let before = peak_rss();
        let started = std::time::Instant::now();
        let resp = r.clone().oneshot(get(&format!("/audit/export.{format}"), Some(&cookie))).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let mut body = resp.into_body();
        let (mut received, mut first) = (0u64, Vec::new());
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                if first.is_empty() {
                    first = data[..data.len().min(4)].to_vec();
                }
                received += data.len() as u64;
            }
        }
        let growth = peak_rss().saturating_sub(before);
        println!(
            "audit {format}: {} entries, {:.1} MiB streamed in {:.1} s; peak RSS grew by {:.1} MiB (limit {} MiB)",
            AUDIT_ENTRIES,
            received as f64 / 1048576.0,
            started.elapsed().as_secs_f64(),
            growth as f64 / 1048576.0,
            AUDIT_GROWTH_LIMIT / 1048576
        );
        if format == "csv" {
            assert!(first.starts_with(b"id,t"), "{:?} ({received} bytes)", String::from_utf8_lossy(&first));
            assert!(received > 10 * 1024 * 1024, "the CSV holds every entry: {received} bytes");
        } else {
            assert_eq!(&first[..2], b"PK");
        }
        assert!(growth < AUDIT_GROWTH_LIMIT, "{format}: memory grew by {growth} bytes");
    }
}

/// Every server function (`app::api`).
const ROUTES: &[&str] = &[
    "/api/scans/clusters",
    "/api/scans/start_cluster_scan",
    "/api/scans/start_iac_scan",
    "/api/scans/upload",
    "/api/scans/iac_files",
    "/api/scans/tasks",
    "/api/scans/task",
    "/api/scans/retry",
    "/api/exports/cluster_names",
    "/api/exports/columns",
    "/api/exports/local_images",
    "/api/exports/dsc_jobs",
    "/api/exports/dsc_choices",
    "/api/exports/dsc_preview",
    "/api/exports/containers",
    "/api/exports/local_vuls",
    "/api/exports/dsc",
    "/api/exports/status",
    "/api/exports/history",
    "/api/auth/login",
    "/api/auth/login_token",
    "/api/auth/logout",
    "/api/auth/whoami",
    "/api/portal/info",
    "/api/masking/instances",
    "/api/masking/rules",
    "/api/masking/switch",
    "/api/masking/create",
    "/api/masking/update",
    "/api/masking/delete",
    "/api/masking/settings",
    "/api/masking/set_setting",
    "/api/audit/entries",
    "/api/sessions/list",
    "/api/sessions/end",
    "/api/sessions/end_others",
];

/// 16 MiB sent in 64 KiB pieces of one static buffer, so the test itself allocates nothing.
static PIECE: [u8; 64 * 1024] = [b'a'; 64 * 1024];
const POST_BYTES: usize = 16 * 1024 * 1024;
const POST_GROWTH_LIMIT: u64 = 8 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_mib_posts_are_refused_with_413_in_little_memory() {
    let _alone = ALONE.lock().await;
    let p = portal(&[]).await;
    let r = &p.built.router;
    // Once before measuring, so what the first request sets up once is not counted.
    send(r, get("/login", None)).await;
    reset_peak();
    let before = peak_rss();
    for route in ROUTES {
        // With a declared length, and without one (chunked), which is cut off at the limit.
        for declared in [true, false] {
            let pieces =
                (0..POST_BYTES / PIECE.len()).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(&PIECE)));
            // Each route with the content type it takes (the upload refuses others unread).
            let content_type = if *route == "/api/scans/upload" {
                "multipart/form-data; boundary=x"
            } else {
                "application/json"
            };
            let mut req = Request::post(*route)
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "http://127.0.0.1:3000")
                .header(header::CONTENT_TYPE, content_type);
            if declared {
                req = req.header(header::CONTENT_LENGTH, POST_BYTES);
            }
            let a = send(r, req.body(Body::from_stream(futures_util::stream::iter(pieces))).unwrap()).await;
            if *route == "/api/scans/upload" && !declared {
                // The upload asks who is calling before it reads a byte: without a length or a
                // cookie it is refused unread.
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{route}: {}", a.body);
                continue;
            }
            assert_eq!(
                a.status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{route} (length declared: {declared}): {}",
                a.body
            );
            let e: serde_json::Value = serde_json::from_str(&a.body).unwrap();
            assert_eq!(e["kind"], "TooLarge", "{route}: {}", a.body);
        }
    }
    let growth = peak_rss().saturating_sub(before);
    println!(
        "{} posts of 16 MiB refused (413; the upload without a length 401, unread); peak RSS grew by {:.1} MiB (limit {} MiB)",
        ROUTES.len() * 2,
        growth as f64 / 1048576.0,
        POST_GROWTH_LIMIT / 1048576
    );
    assert!(growth < POST_GROWTH_LIMIT, "memory grew by {growth} bytes");
}
