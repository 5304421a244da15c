//! Scan-task server functions through the router, as the demo operator: cluster scans on chosen
//! clusters (and their conditional rules), a failed cluster retried, IaC files uploaded and
//! scanned, the task list with statistics, and the tracker recording each in the history.

use std::time::Duration;

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const WITHIN: Duration = Duration::from_secs(40);

async fn detail(r: &axum::Router, cookie: &str, task_type: &str, task_id: &str) -> Value {
    let (status, d) =
        call_form(r, "/api/scans/task", &[("task_type", task_type), ("task_id", task_id)], cookie).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_scan_rules_and_two_chosen_clusters() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let (status, page) = call_form(r, "/api/scans/clusters", &[("offset", "0")], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 12);
    let clusters = page["clusters"].as_array().unwrap();
    assert!(clusters.iter().any(|c| !c["unscannable"].is_null()), "unscannable clusters are marked: {page}");
    // Two healthy clusters whose agents all installed.
    let healthy: Vec<String> = p
        .emulator()
        .data()
        .clusters
        .iter()
        .filter(|c| {
            c.status == "Available"
                && c.agent_ds_install_status != "NotInstall"
                && c.agent_install_failed_num == 0
        })
        .take(2)
        .map(|c| c.cluster_id.clone())
        .collect();
    assert_eq!(healthy.len(), 2);

    p.emulator().clear_requests();
    for (input, field) in [
        (json!({"scan_types": [], "cluster_ids": healthy, "confirmed": true}), "scan_types"),
        (json!({"scan_types": ["cluster_vul"], "cluster_ids": [], "confirmed": true}), "cluster_ids"),
        (json!({"scan_types": ["cluster_vul"], "cluster_ids": healthy, "confirmed": false}), "confirmed"),
        (json!({"scan_types": ["malware"], "all_clusters": true, "confirmed": true}), "scan_types"),
    ] {
        let (status, e) =
            call_json(r, "/api/scans/start_cluster_scan", keyed(json!({"input": input})), &cookie).await;
        assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{input}: {e}");
    }
    assert!(
        p.emulator().requests().iter().all(|q| !q.path.ends_with("/common/task")),
        "nothing invalid sent"
    );

    let input =
        json!({"scan_types": ["cluster_vul", "benchmark"], "cluster_ids": healthy, "confirmed": true});
    let (status, created) =
        call_json(r, "/api/scans/start_cluster_scan", keyed(json!({"input": input})), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["row"]["kind"], "cluster_scan");
    assert_eq!(created["row"]["summary"], "2 clusters · Cluster vulnerabilities, Compliance benchmark");
    let id = created["row"]["id"].as_str().unwrap();
    let row = wait_finished(r, &cookie, id, WITHIN).await;
    assert_eq!(row["status"], "success", "{row}");
    let task_id = row["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let d = detail(r, &cookie, "cluster_scan", &task_id).await;
    assert_eq!(d["task"]["task_status"], "finished");
    let counters = &d["task"]["cluster_scan_info"];
    assert_eq!(
        (counters["success_cluster_num"].as_i64(), counters["failed_cluster_num"].as_i64()),
        (Some(2), Some(0))
    );
    let clusters = d["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2);
    assert!(clusters.iter().all(|c| c["scan_detail_list"].as_array().unwrap().len() == 2), "{d}");

    let (status, list) = call_form(
        r,
        "/api/scans/tasks",
        &[
            ("filter[task_type]", "cluster_scan"),
            ("filter[offset]", "0"),
            ("filter[limit]", "10"),
            ("filter[sort_dir]", "desc"),
        ],
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list["tasks"].as_array().unwrap().iter().any(|t| t["task_id"] == task_id.as_str()));
    assert!(list["stats"]["total_num"].as_i64() >= Some(1));
    let (status, e) = call_form(
        r,
        "/api/scans/tasks",
        &[("filter[task_type]", "cluster_scan"), ("filter[offset]", "0"), ("filter[limit]", "7")],
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
    let (status, e) = call_form(
        r,
        "/api/scans/tasks",
        &[
            ("filter[task_type]", "cluster_scan"),
            ("filter[offset]", "0"),
            ("filter[limit]", "10"),
            ("filter[sort_dir]", "up"),
        ],
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("sort_dir")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_cluster_is_retried() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let flaky = p
        .emulator()
        .data()
        .clusters
        .iter()
        .find(|c| {
            c.status == "Available"
                && c.agent_ds_install_status != "NotInstall"
                && c.agent_install_failed_num > 0
        })
        .expect("a cluster whose first scan times out")
        .cluster_id
        .clone();
    let input = json!({"scan_types": ["risk_assessment"], "cluster_ids": [flaky], "confirmed": true});
    let (_, created) =
        call_json(r, "/api/scans/start_cluster_scan", keyed(json!({"input": input})), &cookie).await;
    let id = created["row"]["id"].as_str().unwrap().to_string();
    let row = wait_finished(r, &cookie, &id, WITHIN).await;
    assert_eq!(row["status"], "failure", "{row}");
    assert!(row["failure"].as_str().unwrap().contains("1 of 1 clusters failed"), "{row}");
    let task_id = row["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let d = detail(r, &cookie, "cluster_scan", &task_id).await;
    assert_eq!(d["clusters"][0]["scan_detail_list"][0]["failed_reason"], "scan job timed out");

    let (status, e) =
        call_json(r, "/api/scans/retry", keyed(json!({"input": {"task_id": task_id}})), &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("cluster_ids")));
    let retry =
        json!({"input": {"task_id": task_id, "cluster_ids": [flaky], "scan_types": ["risk_assessment"]}});
    let (status, e) = call_json(r, "/api/scans/retry", keyed(retry), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let (_, again) = call_form(r, "/api/exports/status", &[("id", &id)], &cookie).await;
    assert_eq!(again["status"], "running", "the history follows the retried task");
    let row = wait_finished(r, &cookie, &id, WITHIN).await;
    assert_eq!(row["status"], "success", "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn iac_files_uploaded_then_scanned() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
    let db = yaml.replace("web", "db");
    let files: &[(&str, &[u8])] = &[("web.yaml", yaml.as_bytes()), ("db.yml", db.as_bytes())];
    let (status, e) = call_upload(r, "dockerfile", files, &cookie).await;
    assert_eq!(
        (status, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("files")),
        "YAML is not a Dockerfile"
    );
    let (status, e) = call_upload(r, "k8s_yaml", &[], &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("files")));
    let (status, e) = call_upload(r, "terraform", files, &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("file_type")), "{e}");
    let (status, uploaded) = call_upload(r, "k8s_yaml", files, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    let ids: Vec<&str> =
        uploaded.as_array().unwrap().iter().map(|f| f["file_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    let (status, listed) =
        call_form(r, "/api/scans/iac_files", &[("file_type", "k8s_yaml"), ("offset", "0")], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert!(listed["files"].as_array().unwrap().iter().any(|f| f["file_name"] == "web.yaml"), "{listed}");

    let (status, e) = call_json(
        r,
        "/api/scans/start_iac_scan",
        keyed(json!({"input": {"file_type": "k8s_yaml", "file_ids": []}})),
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("file_ids")));
    let (status, created) = call_json(
        r,
        "/api/scans/start_iac_scan",
        keyed(json!({"input": {"file_type": "k8s_yaml", "file_ids": ids}})),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["row"]["summary"], "2 Kubernetes YAML files");
    let row = wait_finished(r, &cookie, created["row"]["id"].as_str().unwrap(), WITHIN).await;
    let task_id = row["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let d = detail(r, &cookie, "iac_scan", &task_id).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 2, "{d}");
    let (_, history) = call_form(
        r,
        "/api/exports/history",
        &[("filter[offset]", "0"), ("filter[limit]", "10"), ("filter[kind]", "iac_scan")],
        &cookie,
    )
    .await;
    assert_eq!(history["total"], 1);
}
