//! Chaos: 200 creates by 10 users against a cloud that answers 5xx to 10 % of calls, is 2 s
//! slow on 10 %, drops 5 % of connections, and on 5 % of creates does the work and then drops
//! the answer. Afterwards every task the cloud made is in the history exactly once, no click
//! made two, and every row is final within twice its nominal time (the slowest row of the same
//! workload run without faults just before). Alone in its own test binary, so no other test
//! competes for the two cores while its times are taken.

#[path = "portal/common.rs"]
mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;
use emulator::timing::TaskTiming;
use serde_json::json;

const USERS: u32 = 10;
const PER_USER: usize = 20;
/// How long a task takes in the cloud.
const TASK_SECS: u64 = 2;
/// The least nominal time to a final row: the tracker's first look (3 s) after the cloud's
/// work; the fault-free run of the same workload measures the real one.
const NOMINAL: Duration = Duration::from_secs(3 + TASK_SECS);

const ARGS: &[&str] = &[
    "--tracker-spacing-ms",
    "100",
    "--tracker-min-interval-ms",
    "200",
    "--tracker-poll-timeout-secs",
    "3",
    "--hss-calls-per-minute",
    "0",
];

/// The fault rules, in order. The emulator applies the first matching rule whose own chance
/// comes up, so each rule's chance is its share of what the rules before it left.
fn faults() -> Vec<serde_json::Value> {
    let creates = ["/common/task", "/container/export-task"];
    let mut rules = Vec::new();
    let mut left = 1.0;
    let mut chance = |share: f64| {
        let p = share / left;
        left -= share;
        p
    };
    let commit_share = 0.05;
    let commit_p = chance(commit_share);
    for op in creates {
        rules.push(json!({"service": "hss", "operation": op, "method": "POST", "commit": true,
            "drop_connection": true, "probability": commit_p}));
    }
    let drop_p = chance(0.05);
    rules.push(json!({"service": "*", "operation": "/v5/", "drop_connection": true, "probability": drop_p}));
    let error_p = chance(0.10);
    rules.push(json!({"service": "*", "operation": "/v5/", "status": 503, "probability": error_p}));
    let slow_p = chance(0.10);
    rules.push(json!({"service": "*", "operation": "/v5/", "latency_ms": 2000, "probability": slow_p}));
    rules
}

#[derive(sqlx::FromRow, Debug)]
struct Row {
    kind: String,
    status: String,
    cloud_task_id: String,
    failure: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
    polls: i64,
    poll_errors: i64,
}

/// One run of the workload: its rows once all are final, and the tasks the cloud made.
async fn run(with_faults: bool) -> (Vec<Row>, Vec<emulator::control::CreatedTask>, usize) {
    let p = portal(ARGS).await;
    let emu = p.emulator();
    emu.set_rate_limit_window(None, 60_000);
    emu.set_task_timing(TaskTiming::After(Duration::from_secs(TASK_SECS)));
    let r = &p.built.router;
    let mut cookies = vec![sign_in(r).await];
    for n in 1..USERS {
        cookies.push(sign_in_team(r, n).await);
    }
    for rule in faults().into_iter().filter(|_| with_faults) {
        emu.add_fault(serde_json::from_value(rule).unwrap());
    }

    let scan_sets = [
        vec!["cluster_vul"],
        vec!["risk_assessment"],
        vec!["benchmark"],
        vec!["cluster_vul", "risk_assessment"],
        vec!["cluster_vul", "benchmark"],
        vec!["risk_assessment", "benchmark"],
        vec!["cluster_vul", "risk_assessment", "benchmark"],
    ];
    let mut users = tokio::task::JoinSet::new();
    for (u, cookie) in cookies.into_iter().enumerate() {
        let r = r.clone();
        let scans = scan_sets[u % scan_sets.len()].clone();
        users.spawn(async move {
            let mut resent = 0;
            for i in 0..PER_USER {
                let (path, body) = if i % 2 == 0 {
                    let input = json!({"scan_types": scans, "all_clusters": true, "confirmed": true});
                    ("/api/scans/start_cluster_scan", keyed(json!({"input": input})))
                } else {
                    let input =
                        json!({"export_size": 2, "columns": [{"key": "container_name", "title": "Name"}]});
                    ("/api/exports/containers", keyed(json!({"input": input})))
                };
                // A user who sees an error presses again; the form still holds its key.
                for attempt in 0..5 {
                    let (status, answer) = call_json(&r, path, body.clone(), &cookie).await;
                    if status == StatusCode::OK {
                        break;
                    }
                    assert!(attempt < 4, "{path}: {status} {answer}");
                    resent += 1;
                }
            }
            resent
        });
    }
    let mut resent = 0;
    while let Some(done) = users.join_next().await {
        resent += done.expect("a user's run");
    }

    // Every row reaches a final state (bounded).
    let deadline = Instant::now() + Duration::from_secs(120);
    let rows: Vec<Row> = loop {
        let rows: Vec<Row> =
            sqlx::query_as("SELECT kind, status, cloud_task_id, failure, created_at, finished_at, polls, poll_errors FROM tasks")
                .fetch_all(p.built.storage.sqlite())
                .await
                .unwrap();
        if rows.iter().all(|r| r.finished_at.is_some()) {
            break rows;
        }
        assert!(
            Instant::now() < deadline,
            "rows still active: {:?}",
            rows.iter().filter(|r| r.finished_at.is_none()).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    emu.clear_faults();
    (rows, emu.created(), resent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_creates_through_faults_lose_nothing_and_double_nothing() {
    // The same workload without faults first: its slowest row is the nominal time (the tracker
    // spaces each user's calls, so 20 tasks of one user queue behind each other).
    let (calm, _, _) = run(false).await;
    let nominal = calm.iter().map(|r| r.finished_at.unwrap() - r.created_at).max().unwrap();
    let nominal = Duration::from_millis(nominal as u64).max(NOMINAL);
    let (rows, made, resent) = run(true).await;
    let mut followed: HashMap<&str, usize> = HashMap::new();
    for row in rows.iter().filter(|r| !r.cloud_task_id.is_empty()) {
        *followed.entry(row.cloud_task_id.as_str()).or_default() += 1;
    }
    let doubled = followed.values().filter(|n| **n > 1).count();
    let unfollowed: Vec<_> = made.iter().filter(|m| !followed.contains_key(m.id.as_str())).collect();
    let unfindable =
        rows.iter().filter(|r| r.failure.as_deref() == Some(app::ssr::exports::HSS_EXPORT_LOST)).count();
    let not_created =
        rows.iter().filter(|r| r.failure.as_deref() == Some(app::ssr::scans::NOT_CREATED)).count();
    let mut times: Vec<i64> = rows.iter().map(|r| r.finished_at.unwrap() - r.created_at).collect();
    times.sort();
    let pct = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "chaos: {} creates by {USERS} users ({resent} pressed again) -> {} rows, {} cloud tasks made; \
         {} cloud tasks without a row ({} of them HSS exports whose answer was lost and which HSS \
         cannot list: their rows say so), {doubled} followed twice, {not_created} lost creates the cloud \
         never made; time to final p50 {} ms, p99 {} ms, max {} ms (nominal {} ms)",
        USERS as usize * PER_USER,
        rows.len(),
        made.len(),
        unfollowed.len(),
        unfindable,
        pct(0.5),
        pct(0.99),
        times.last().unwrap(),
        nominal.as_millis()
    );
    let statuses = rows.iter().fold(HashMap::<&str, usize>::new(), |mut m, r| {
        *m.entry(r.status.as_str()).or_default() += 1;
        m
    });
    println!("chaos: final statuses {statuses:?}");
    let mut slow: Vec<&Row> = rows.iter().collect();
    slow.sort_by_key(|r| std::cmp::Reverse(r.finished_at.unwrap() - r.created_at));
    for r in slow.iter().take(5) {
        println!(
            "chaos: slow row {} ms: {} {} polls={} errors={} {:?}",
            r.finished_at.unwrap() - r.created_at,
            r.kind,
            r.status,
            r.polls,
            r.poll_errors,
            r.failure
        );
    }

    assert_eq!(rows.len(), USERS as usize * PER_USER, "one row per click");
    assert_eq!(doubled, 0, "no cloud task is followed by two rows");
    assert!(
        unfollowed.iter().all(|m| m.kind == "hss_export"),
        "every scan the cloud made is followed: {unfollowed:?}"
    );
    assert!(unfollowed.len() <= unfindable, "each unfollowed export has its row saying so");
    let scans_made = made.iter().filter(|m| m.kind == "hss_task").count();
    let scan_rows = rows.iter().filter(|r| r.kind == "cluster_scan" && !r.cloud_task_id.is_empty()).count();
    assert_eq!(scans_made, scan_rows, "one cloud scan per followed row");
    let slowest = Duration::from_millis(*times.last().unwrap() as u64);
    assert!(slowest <= nominal * 2, "a row took {slowest:?}, more than twice the nominal {nominal:?}");
}
