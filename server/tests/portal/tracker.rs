//! The background tracker against an emulator of its own (so a portal can restart beside it):
//! many pending exports stay within the per-user rate limit, throttling backs off, and pending
//! exports resume after a restart. Time is scaled down: the tracker spaces a user's calls by
//! 200 ms instead of 12 s, and the emulator counts its limit per second instead of per minute.

use std::time::Duration;

use crate::common::*;
use axum::http::StatusCode;
use emulator::timing::TaskTiming;
use serde_json::json;

async fn cloud(timing: TaskTiming, per_window: u32, window_ms: i64) -> emulator::Running {
    let running = emulator::spawn(
        ([127, 0, 0, 1], 0).into(),
        emulator::Config { task_timing: timing, ..Default::default() },
    )
    .await
    .unwrap();
    running.emulator.set_rate_limit_window(Some(per_window), window_ms);
    running
}

fn export() -> serde_json::Value {
    json!({"input": {"export_size": 2, "columns": [{"key": "container_name", "title": "Name"}]}})
}

/// Creates `n` container exports, spaced so the creates themselves stay within the limit.
async fn create(r: &axum::Router, cookie: &str, n: usize, gap: Duration) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let (status, created) = call_json(r, "/api/exports/containers", keyed(export()), cookie).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        ids.push(created["row"]["id"].as_str().unwrap().to_string());
        tokio::time::sleep(gap).await;
    }
    ids
}

/// Status calls the emulator saw: (arrival ms, HTTP status).
fn status_calls(emu: &emulator::Emulator) -> Vec<(i64, u16)> {
    let mut calls: Vec<(i64, u16)> = emu
        .requests()
        .into_iter()
        .filter(|q| q.method == "GET" && q.path.contains("/export-task/"))
        .map(|q| (q.at_ms, q.status))
        .collect();
    calls.sort();
    calls
}

fn most_in_any_window(calls: &[(i64, u16)], window_ms: i64) -> usize {
    (0..calls.len())
        .map(|i| calls[i..].iter().take_while(|(t, _)| t - calls[i].0 < window_ms).count())
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_pending_exports_stay_within_the_rate_limit() {
    const TASKS: usize = 12;
    const READS: u32 = 3;
    let cloud = cloud(TaskTiming::AfterReads(READS), 5, 1000).await;
    let url = cloud.base_url();
    let args = [
        "--cloud",
        &url,
        "--hss-calls-per-minute",
        "0",
        "--tracker-spacing-ms",
        "200",
        "--tracker-min-interval-ms",
        "200",
    ];
    let p = portal(&args).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let ids = create(r, &cookie, TASKS, Duration::from_millis(210)).await;
    for id in &ids {
        let row = wait_finished(r, &cookie, id, Duration::from_secs(90)).await;
        assert_eq!(row["status"], "success", "{row}");
    }
    let calls = status_calls(&cloud.emulator);
    let throttled = calls.iter().filter(|(_, s)| *s == 429).count();
    let busiest = most_in_any_window(&calls, 1000);
    println!(
        "tracker: {TASKS} pending exports finishing after {READS} reads each -> {} status calls, {throttled} throttled, at most {busiest} in any 1 s window (limit 5)",
        calls.len()
    );
    assert_eq!(throttled, 0, "the tracker never ran into the limit");
    assert!(busiest <= 5, "{busiest} calls in one window");
    assert_eq!(calls.len(), TASKS * READS as usize, "no poll wasted after a task ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn throttling_backs_off_and_still_finishes() {
    // The cloud allows 2 calls a second while the tracker would make up to 10: it must back off.
    let cloud = cloud(TaskTiming::AfterReads(2), 2, 1000).await;
    let url = cloud.base_url();
    let args = [
        "--cloud",
        &url,
        "--hss-calls-per-minute",
        "0",
        "--tracker-spacing-ms",
        "100",
        "--tracker-min-interval-ms",
        "100",
    ];
    let p = portal(&args).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let ids = create(r, &cookie, 4, Duration::from_millis(600)).await;
    for id in &ids {
        let row = wait_finished(r, &cookie, id, Duration::from_secs(90)).await;
        assert_eq!(row["status"], "success", "{row}");
    }
    let calls = status_calls(&cloud.emulator);
    let throttled: Vec<i64> = calls.iter().filter(|(_, s)| *s == 429).map(|(t, _)| *t).collect();
    println!("throttled: {} status calls, {} answered 429", calls.len(), throttled.len());
    assert!(!throttled.is_empty(), "the test must provoke throttling");
    for t in &throttled {
        // After a 429 the user's next call waits a window (5 x spacing = 500 ms).
        if let Some((next, _)) = calls.iter().find(|(at, _)| at > t) {
            assert!(next - t >= 450, "called again {} ms after a 429", next - t);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_exports_resume_after_a_restart() {
    let cloud = cloud(TaskTiming::AfterReads(2), 100, 1000).await;
    let url = cloud.base_url();
    let dir = std::env::temp_dir().join(format!("secportal-restart-{}", rand::random::<u64>()));
    let args = ["--cloud", &url, "--tracker-spacing-ms", "100", "--tracker-min-interval-ms", "100"];
    let first = build_at(&dir, &args).await;
    let cookie = sign_in(&first.router).await;
    let ids = create(&first.router, &cookie, 2, Duration::ZERO).await;
    // Stopped before its first look (3 s after creation).
    drop(first);
    assert!(status_calls(&cloud.emulator).is_empty());

    let second = build_at(&dir, &args).await;
    for id in &ids {
        let row = wait_finished(&second.router, &cookie, id, Duration::from_secs(60)).await;
        assert_eq!(row["status"], "success", "{row}");
    }
    let (_, page) = call_form(
        &second.router,
        "/api/exports/history",
        &[("filter[offset]", "0"), ("filter[limit]", "10")],
        &cookie,
    )
    .await;
    assert_eq!(page["total"], 2);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}
