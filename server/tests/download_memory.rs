//! A 100 MB export streams through the portal without the server's memory growing by its size.
//! Alone in its own test binary, so no other test's allocations blur the measurement.

#[path = "portal/common.rs"]
mod common;

use std::time::Duration;

use axum::http::StatusCode;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_download_streams_in_little_memory() {
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
