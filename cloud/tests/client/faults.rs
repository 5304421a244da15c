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
