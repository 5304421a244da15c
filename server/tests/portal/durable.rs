//! Cloud tasks that are never lost, never doubled, and never stall each other: idempotency
//! keys, creates whose answer is lost after the cloud made the task (the emulator's
//! commit-then-drop faults), a hung API beside another user's export, one HSS budget per user,
//! and DSC exports that cannot cross between users.

use std::time::{Duration, Instant};

use crate::common::*;
use axum::http::StatusCode;
use emulator::timing::TaskTiming;
use serde_json::{json, Value};

/// A tracker that looks every 100 ms and gives a poll 3 s.
const FAST: &[&str] = &[
    "--tracker-spacing-ms",
    "100",
    "--tracker-min-interval-ms",
    "100",
    "--tracker-poll-timeout-secs",
    "3",
    "--hss-calls-per-minute",
    "0",
];

const WITHIN: Duration = Duration::from_secs(30);

fn containers() -> Value {
    json!({"input": {"export_size": 3, "columns": [{"key": "container_name", "title": "Name"}]}})
}

fn fault(rule: Value) -> emulator::control::FaultRule {
    serde_json::from_value(rule).expect("a fault rule")
}

/// Waits (bounded) until a row is final, polling the portal like a page does.
async fn final_row(r: &axum::Router, cookie: &str, id: &str) -> Value {
    wait_finished(r, cookie, id, WITHIN).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_key_twice_makes_one_cloud_task() {
    let p = portal(FAST).await;
    p.emulator().set_task_timing(TaskTiming::AfterReads(1));
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let body = keyed(containers());
    let (s1, first) = call_json(r, "/api/exports/containers", body.clone(), &cookie).await;
    let (s2, again) = call_json(r, "/api/exports/containers", body, &cookie).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{first} {again}");
    assert_eq!(first["row"]["id"], again["row"]["id"], "the same row answers");
    assert_eq!(p.emulator().created().len(), 1, "one cloud create");
    let (status, e) = call_json(
        r,
        "/api/exports/containers",
        json!({"input": containers()["input"], "idempotency_key": "x"}),
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("idempotency_key")), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_scan_create_is_found_and_never_repeated() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    emu.set_task_timing(TaskTiming::AfterReads(2));
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    emu.add_fault(fault(json!({
        "service": "hss", "operation": "/common/task", "method": "POST",
        "commit": true, "drop_connection": true, "times": 1
    })));
    let body =
        keyed(json!({"input": {"scan_types": ["cluster_vul"], "all_clusters": true, "confirmed": true}}));
    let (status, created) = call_json(r, "/api/scans/start_cluster_scan", body.clone(), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["row"]["status"], "checking", "{created}");
    assert!(created["row"]["note"].as_str().unwrap_or("").contains("checking"), "{created}");
    // The user presses again (the form still holds the same key): no second task.
    let (_, again) = call_json(r, "/api/scans/start_cluster_scan", body, &cookie).await;
    assert_eq!(again["row"]["id"], created["row"]["id"]);

    let id = created["row"]["id"].as_str().unwrap();
    let row = final_row(r, &cookie, id).await;
    // All clusters include some the emulator fails: the row ends as the cloud's task did.
    assert!(
        row["status"] == "success" || row["failure"].as_str().unwrap_or("").contains("clusters failed"),
        "{row}"
    );
    let made = emu.created();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(
        row["href"],
        format!("/scans/cluster_scan/{}", made[0].id),
        "the row follows the task the cloud made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_create_the_cloud_never_made_ends_as_not_created() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    // The connection drops before the service runs: nothing is created.
    emu.add_fault(fault(json!({
        "service": "hss", "operation": "/common/task", "method": "POST", "drop_connection": true, "times": 1
    })));
    let body =
        keyed(json!({"input": {"scan_types": ["benchmark"], "all_clusters": true, "confirmed": true}}));
    let (_, created) = call_json(r, "/api/scans/start_cluster_scan", body, &cookie).await;
    assert_eq!(created["row"]["status"], "checking", "{created}");
    let row = final_row(r, &cookie, created["row"]["id"].as_str().unwrap()).await;
    assert_eq!(row["status"], "failure", "{row}");
    assert!(row["failure"].as_str().unwrap().contains("did not create"), "{row}");
    assert!(emu.created().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_hss_export_says_it_cannot_be_found_and_is_not_repeated() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    emu.add_fault(fault(json!({
        "service": "hss", "operation": "/container/export-task", "method": "POST",
        "commit": true, "status": 502, "times": 1
    })));
    let body = keyed(containers());
    let (_, created) = call_json(r, "/api/exports/containers", body.clone(), &cookie).await;
    assert_eq!(created["row"]["status"], "checking", "{created}");
    let row = final_row(r, &cookie, created["row"]["id"].as_str().unwrap()).await;
    assert_eq!(row["status"], "failure", "{row}");
    assert!(row["failure"].as_str().unwrap().contains("no list of exports"), "{row}");
    let (_, again) = call_json(r, "/api/exports/containers", body, &cookie).await;
    assert_eq!(again["row"]["id"], created["row"]["id"]);
    assert_eq!(emu.created().len(), 1, "one click, one cloud export, one row");
}

async fn finished_job(r: &axum::Router, cookie: &str) -> (String, String) {
    let (status, jobs) = call_form(r, "/api/exports/dsc_jobs", &[], cookie).await;
    assert_eq!(status, StatusCode::OK, "{jobs}");
    let job = jobs.as_array().unwrap().iter().find(|j| j["status"] == "FINISHED").expect("a finished job");
    let job_id = job["id"].as_str().unwrap().to_string();
    let (_, choices) = call_form(r, "/api/exports/dsc_choices", &[("job_id", &job_id)], cookie).await;
    (job_id, choices["buckets"][0].as_str().unwrap().to_string())
}

/// A DSC export whose create the cloud carries out and then answers with `status`: the
/// create's answer, the final row, and whether its file downloads.
async fn dsc_create_answered(status: u16) -> (Value, Value, bool) {
    let p = portal(FAST).await;
    let emu = p.emulator();
    emu.set_task_timing(TaskTiming::AfterReads(2));
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let (job, bucket) = finished_job(r, &cookie).await;
    emu.add_fault(fault(json!({
        "service": "dsc", "operation": "/export-tasks", "method": "POST", "commit": true, "status": status, "times": 1
    })));
    let input = json!({"job_id": job, "bucket_name": bucket, "mask": true});
    let (_, created) = call_json(r, "/api/exports/dsc", keyed(json!({"input": input})), &cookie).await;
    let id = created["row"]["id"].as_str().unwrap();
    let row = final_row(r, &cookie, id).await;
    let (status, _, body) = download(r, &cookie, id).await;
    assert_eq!(emu.created().len(), 1);
    (created, row, status == StatusCode::OK && body.starts_with(b"PK"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_dsc_create_is_found_by_its_start_time() {
    let (created, row, downloads) = dsc_create_answered(503).await;
    assert_eq!(created["row"]["status"], "checking", "{created}");
    assert_eq!((row["status"].as_str(), downloads), (Some("success"), true), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dsc_create_answered_201_with_no_body_is_a_started_export() {
    let (created, row, downloads) = dsc_create_answered(201).await;
    assert_eq!(created["row"]["status"], "running", "success, confirmed through the status call: {created}");
    assert_eq!((row["status"].as_str(), downloads), (Some("success"), true), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dsc_exports_of_one_job_never_cross_between_users() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    emu.set_task_timing(TaskTiming::AfterReads(3));
    let r = &p.built.router;
    let operator = sign_in(r).await;
    let other = sign_in_team(r, 1).await;
    let (job, bucket) = finished_job(r, &operator).await;
    let masked = json!({"job_id": job, "bucket_name": bucket, "mask": true});
    let (status, mine) = call_json(r, "/api/exports/dsc", keyed(json!({"input": masked})), &operator).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    // While it runs, another user's export of the same job is refused, clearly.
    let unmasked = json!({"job_id": job, "bucket_name": bucket, "mask": false});
    let (status, e) = call_json(r, "/api/exports/dsc", keyed(json!({"input": unmasked})), &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert!(e["message"].as_str().unwrap().contains("still running"), "{e}");

    let mine_id = mine["row"]["id"].as_str().unwrap();
    assert_eq!(final_row(r, &operator, mine_id).await["status"], "success");
    let (_, _, masked_file) = download(r, &operator, mine_id).await;
    assert_eq!(&masked_file[..2], b"PK");

    // Once it is done, the other user's unmasked export replaces it in DSC: each row downloads
    // its own file or nothing, never the other's.
    let (status, theirs) = call_json(r, "/api/exports/dsc", keyed(json!({"input": unmasked})), &other).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    let theirs_id = theirs["row"]["id"].as_str().unwrap();
    assert_eq!(final_row(r, &other, theirs_id).await["status"], "success");
    let (status, _, unmasked_file) = download(r, &other, theirs_id).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(unmasked_file, masked_file, "the unmasked file differs");
    let (status, _, body) = download(r, &operator, mine_id).await;
    assert_ne!(status, StatusCode::OK, "the masked row must not hand out the unmasked file");
    assert_ne!(body, unmasked_file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_hung_api_does_not_hold_back_another_users_export() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    emu.set_task_timing(TaskTiming::AfterReads(1));
    let r = &p.built.router;
    let operator = sign_in(r).await;
    let other = sign_in_team(r, 2).await;
    // The scan's status API hangs for 35 s on every call.
    emu.add_fault(fault(
        json!({"service": "hss", "operation": "/common/tasks/batch-query", "latency_ms": 35_000}),
    ));
    let scan =
        keyed(json!({"input": {"scan_types": ["cluster_vul"], "all_clusters": true, "confirmed": true}}));
    let (status, _) = call_json(r, "/api/scans/start_cluster_scan", scan, &operator).await;
    assert_eq!(status, StatusCode::OK);
    // Let the tracker get stuck on the scan first.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let started = Instant::now();
    let (_, export) = call_json(r, "/api/exports/containers", keyed(containers()), &other).await;
    let row = final_row(r, &other, export["row"]["id"].as_str().unwrap()).await;
    let took = started.elapsed();
    println!("export seen finished {took:?} after its create while another API hung");
    assert_eq!(row["status"], "success", "{row}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sessions_of_one_user_share_one_hss_budget() {
    // The portal's own limiter at the cloud's 5 a minute.
    let p = portal(&[]).await;
    let emu = p.emulator();
    let r = &p.built.router;
    let (a, b) = (sign_in(r).await, sign_in(r).await);
    assert_ne!(a, b);
    emu.clear_requests();
    let mut throttled = Vec::new();
    for i in 0..10 {
        let cookie = if i % 2 == 0 { &a } else { &b };
        let (status, answer) =
            call_form(r, "/api/scans/clusters", &[("offset", "0"), ("refresh", "true")], cookie).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            throttled.push(answer);
        } else {
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
    }
    let calls: Vec<u16> = emu
        .requests()
        .iter()
        .filter(|q| q.path.ends_with("/kubernetes/clusters"))
        .map(|q| q.status)
        .collect();
    println!("two sessions, 10 cluster lists: {} reached the cloud, {} waited", calls.len(), throttled.len());
    assert!(calls.len() <= 5, "{} calls in a minute", calls.len());
    assert!(calls.iter().all(|s| *s != 429), "the cloud never throttled: {calls:?}");
    assert_eq!(throttled.len(), 10 - calls.len());
    let wait = throttled[0]["retry_after_secs"].as_u64().unwrap_or(0);
    assert!((1..=60).contains(&wait), "the user is told the wait in seconds: {}", throttled[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_out_keeps_following_unless_asked_and_a_refused_token_ends_the_session() {
    let p = portal(FAST).await;
    let emu = p.emulator();
    // Tasks that never finish while the test looks.
    emu.set_task_timing(TaskTiming::After(Duration::from_secs(600)));
    let r = &p.built.router;

    let keep = sign_in(r).await;
    let (_, kept) = call_json(r, "/api/exports/containers", keyed(containers()), &keep).await;
    let a = send(r, post_form("/api/auth/logout", &[], Some(&keep))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let task = p.built.portal.tasks.get(kept["row"]["id"].as_str().unwrap()).await.unwrap().unwrap();
    assert!(task.sealed_token.is_some(), "by default the tracker keeps following");

    let stop = sign_in_team(r, 3).await;
    let (_, stopped) = call_json(r, "/api/exports/containers", keyed(containers()), &stop).await;
    let a = send(r, post_form("/api/auth/logout", &[("stop_following", "true")], Some(&stop))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let task = p.built.portal.tasks.get(stopped["row"]["id"].as_str().unwrap()).await.unwrap().unwrap();
    assert!(task.sealed_token.is_none(), "asked to stop: no token left to poll with");
    assert!(task.note.unwrap_or_default().contains("sign in again"));

    // The cloud refuses the token of a live session: that session ends.
    let cookie = sign_in(r).await;
    emu.add_fault(fault(json!({
        "service": "hss", "operation": "/kubernetes/clusters", "status": 401, "error_code": "APIGW.0301",
        "error_msg": "Incorrect IAM authentication information: token expires", "times": 1
    })));
    let (status, e) =
        call_form(r, "/api/scans/clusters", &[("offset", "0"), ("refresh", "true")], &cookie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{e}");
    let a = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "the session is gone: {}", a.body);
}
