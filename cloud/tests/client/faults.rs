//! Faults injected through the emulator's control API: reads retry, writes never do, timeouts
//! and dropped connections surface as such; reset and task timing work over HTTP.

use std::time::Duration;

use crate::common::*;
use cloud::hss::{
    ClusterQuery, ClusterScanInfo, NewTask, RangeType, ScanType, TaskQuery, TaskStatus, TaskType,
};
use cloud::{ClientConfig, CloudClient, CloudError, Endpoints};
use serde_json::{json, Value};

async fn control(emu: &emulator::Running, path: &str, body: Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_emulator/{path}", emu.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
}

async fn log(emu: &emulator::Running, piece: &str) -> Vec<Value> {
    let all: Vec<Value> =
        reqwest::get(format!("{}/_emulator/requests", emu.base_url())).await.unwrap().json().await.unwrap();
    all.into_iter().filter(|r| r["path"].as_str().unwrap_or("").contains(piece)).collect()
}

fn scan() -> NewTask {
    NewTask::ClusterScan {
        cluster_scan_info: ClusterScanInfo {
            scan_type_list: vec![ScanType::ClusterVul],
            range_type: RangeType::AllCluster,
            cluster_id_list: vec![],
        },
    }
}

#[tokio::test]
async fn reads_retry_through_5xx_and_dropped_connections() {
    let (emu, client) = setup().await;
    let caller = operator_aksk();
    control(&emu, "faults", json!({"service": "hss", "operation": "kubernetes/clusters", "status": 503, "error_code": "HSS.0500", "times": 1})).await;
    control(
        &emu,
        "faults",
        json!({"service": "hss", "operation": "kubernetes/clusters", "drop_connection": true, "times": 1}),
    )
    .await;
    let list = client.hss_list_clusters(&caller, &ClusterQuery::default()).await.unwrap();
    assert_eq!(list.total_num, 12);
    let calls = log(&emu, "kubernetes/clusters").await;
    assert_eq!(calls.len(), 3, "two failures, then success: {calls:?}");
    assert_eq!(calls[0]["status"], 503);
    assert_eq!(calls[2]["status"], 200);
    assert_eq!(calls[2]["auth"], "aksk");
}

#[tokio::test]
async fn writes_are_never_retried() {
    let (emu, client) = setup().await;
    let caller = operator_aksk();
    control(
        &emu,
        "faults",
        json!({"operation": "/common/task", "method": "POST", "status": 502, "times": 1}),
    )
    .await;
    let err = client.hss_create_task(&caller, &scan()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(log(&emu, "/common/task").await.len(), 1);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let (emu, _) = setup().await;
    let client = CloudClient::new(
        Endpoints::single(emu.base_url().parse().unwrap()),
        ClientConfig { request_timeout: Duration::from_millis(200), ..Default::default() },
    )
    .unwrap();
    control(&emu, "faults", json!({"service": "hss", "operation": "task-statistics", "latency_ms": 600}))
        .await;
    let err = client.hss_task_statistics(&operator_aksk(), TaskType::ClusterScan).await.unwrap_err();
    assert!(matches!(err, CloudError::Timeout { service: "HSS" }), "{err:?}");
}

#[tokio::test]
async fn reset_and_timing_over_http() {
    let (emu, client) = setup().await;
    let caller = operator_aksk();
    control(&emu, "task-timing", json!({"timing": "reads:2"})).await;
    let id = client.hss_create_task(&caller, &scan()).await.unwrap().task_id;
    let q = TaskQuery { task_id: Some(id), ..TaskQuery::new(TaskType::ClusterScan) };
    assert_eq!(
        client.hss_list_tasks(&caller, &q).await.unwrap().data_list[0].task_status,
        TaskStatus::Running
    );
    assert_eq!(
        client.hss_list_tasks(&caller, &q).await.unwrap().data_list[0].task_status,
        TaskStatus::Finished
    );
    control(&emu, "reset", json!({})).await;
    assert_eq!(client.hss_list_tasks(&caller, &q).await.unwrap().total_num, 0);
    let bad = reqwest::Client::new()
        .post(format!("{}/_emulator/task-timing", emu.base_url()))
        .json(&json!({"timing": "soon"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

/// A "cloud" on a loopback port that reads a request's head, answers with `answer` and then
/// says nothing more, keeping the connection open.
async fn stalling_cloud(answer: &'static [u8]) -> Endpoints {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut open = Vec::new();
        // Bounded: the test makes two connections at most.
        for _ in 0..4 {
            let Ok((mut conn, _)) = listener.accept().await else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).await.is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = conn.write_all(answer).await;
            open.push(conn);
        }
    });
    Endpoints::single(base.parse().unwrap())
}

/// Downloads have no whole-request timeout (a large file may take long), but a cloud that stops
/// sending, before its headers or in the middle of the body, is given up on after the client's
/// request timeout of silence (review L6).
#[tokio::test]
async fn downloads_that_stall_are_given_up() {
    use futures_util::StreamExt;
    let config = || ClientConfig {
        request_timeout: Duration::from_millis(500),
        read_retries: 0,
        ..Default::default()
    };
    let bound = Duration::from_secs(5);

    let silent = CloudClient::new(stalling_cloud(b"").await, config()).unwrap();
    let started = std::time::Instant::now();
    let answer = tokio::time::timeout(bound, silent.hss_download(&operator_aksk(), "f1")).await;
    let err = answer.expect("no headers: still waiting after 5 s").err().expect("an error");
    assert!(matches!(err, CloudError::Timeout { .. } | CloudError::Transport { .. }), "{err:?}");
    println!("no headers: given up after {:?}", started.elapsed());

    let half = b"HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: 1000\r\n\r\nPK\x03\x04";
    let stalled = CloudClient::new(stalling_cloud(half).await, config()).unwrap();
    let mut download = stalled.hss_download(&operator_aksk(), "f1").await.unwrap();
    let started = std::time::Instant::now();
    let read = tokio::time::timeout(bound, async {
        let mut got = 0;
        while let Some(piece) = download.body.next().await {
            match piece {
                Ok(bytes) => got += bytes.len(),
                Err(e) => return (got, Some(e)),
            }
        }
        (got, None)
    })
    .await;
    let (got, err) = read.expect("half a body: still waiting after 5 s");
    assert_eq!(got, 4);
    assert!(err.is_some(), "the body ended early without an error");
    println!("half a body: given up after {:?}", started.elapsed());
}
