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
    let healthy = healthy_clusters(&p, 2);
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

/// On the emulator's seeded clusters, the picker's agent column, its "cannot be scanned" reason
/// and what HSS does with a scan agree: a cluster marked scannable is scanned, one marked
/// "agent not installed" says so in its agent column, and HSS fails exactly those.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_agent_column_and_the_reason_agree_with_hss() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let mut rows = Vec::new();
    for offset in ["0", "10"] {
        let (status, page) = call_form(r, "/api/scans/clusters", &[("offset", offset)], &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        rows.extend(page["clusters"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(rows.len(), p.emulator().data().clusters.len(), "every seeded cluster, once");
    let (mut missing, mut partial) = (0, 0);
    for row in &rows {
        let cluster: cloud::hss::Cluster = serde_json::from_value(row["cluster"].clone()).unwrap();
        let agent = app::dto::scans::agent_text(&cluster);
        let seeded = p
            .emulator()
            .data()
            .clusters
            .iter()
            .find(|c| c.cluster_id == cluster.cluster_id)
            .cloned()
            .unwrap();
        // HSS's own rule (the emulator fails a scan item for these reasons).
        let hss_scans = seeded.status == "Available" && seeded.agent_ds_install_status == "Installed";
        assert_eq!(row["unscannable"].is_null(), hss_scans, "{}: {row}", cluster.cluster_name);
        if row["unscannable"] == "AgentNotInstalled" {
            missing += 1;
            assert_eq!(agent, "not installed", "{}", cluster.cluster_name);
        } else {
            assert!(agent.starts_with("installed"), "{}: {agent}", cluster.cluster_name);
        }
        partial += usize::from(agent.contains(" of "));
    }
    assert!(missing > 0, "the seed has clusters without the agent");
    assert!(partial > 0, "and clusters with the agent on some nodes only");
}

/// The task that a created row became, once the tracker saw it end.
async fn started(r: &axum::Router, cookie: &str, path: &str, input: Value) -> String {
    let (status, created) = call_json(r, path, keyed(json!({ "input": input })), cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let row = wait_finished(r, cookie, created["row"]["id"].as_str().unwrap(), WITHIN).await;
    row["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

async fn listed(r: &axum::Router, cookie: &str, filter: &[(&str, &str)]) -> Vec<String> {
    let mut form = vec![("filter[offset]", "0"), ("filter[limit]", "10")];
    form.extend_from_slice(filter);
    let (status, list) = call_form(r, "/api/scans/tasks", &form, cookie).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["tasks"].as_array().unwrap().iter().map(|t| t["task_id"].as_str().unwrap().to_string()).collect()
}

/// Earlier uploads page through every file and show their risks; the task list filters by scan
/// item, file type and task id, and shows what each task scans.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earlier_uploads_page_and_tasks_filter_by_item_type_and_id() {
    // More list calls than HSS allows (5 a minute): both limits are off, the tracker quick.
    let fast =
        ["--hss-calls-per-minute", "0", "--tracker-spacing-ms", "100", "--tracker-min-interval-ms", "100"];
    let p = portal(&fast).await;
    p.emulator().set_rate_limit(None);
    p.emulator().set_task_timing(emulator::timing::TaskTiming::AfterReads(1));
    let cookie = sign_in(&p.built.router).await;
    let r = &p.built.router;
    let pod = b"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: web:1.2\n".to_vec();
    let risky =
        b"apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: true\n  containers:\n  - image: web:latest\n"
            .to_vec();
    let names: Vec<String> = (1..=12).map(|i| format!("pod-{i:02}.yaml")).collect();
    for chunk in names.chunks(10) {
        let files: Vec<(&str, &[u8])> = chunk
            .iter()
            .map(|n| (n.as_str(), if n == "pod-12.yaml" { &risky[..] } else { &pod[..] }))
            .collect();
        let a = send(r, post_upload("k8s_yaml", &files, Some(&cookie))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    let page = |offset: &'static str, source: &'static str| {
        let cookie = cookie.clone();
        async move {
            let form = [("file_type", "k8s_yaml"), ("offset", offset), ("source", source)];
            let (status, page) = call_form(r, "/api/scans/iac_files", &form, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page
        }
    };
    let (first, second) = (page("0", "manual_scan").await, page("10", "manual_scan").await);
    assert_eq!((first["total"].as_i64(), first["files"].as_array().unwrap().len()), (Some(12), 10));
    let rest = second["files"].as_array().unwrap();
    assert_eq!(rest.len(), 2, "the second page holds the rest");
    let flagged: Vec<_> =
        first["files"].as_array().unwrap().iter().chain(rest).filter(|f| f["risky"] == true).collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(
        (flagged[0]["file_name"].as_str(), flagged[0]["risk_num"].as_i64()),
        (Some("pod-12.yaml"), Some(2))
    );
    assert_eq!(page("0", "cicd_scan").await["total"], 0, "none came from CI/CD");

    let file_id = flagged[0]["file_id"].as_str().unwrap();
    let iac = started(
        r,
        &cookie,
        "/api/scans/start_iac_scan",
        json!({"file_type": "k8s_yaml", "file_ids": [file_id]}),
    )
    .await;
    let cluster = started(
        r,
        &cookie,
        "/api/scans/start_cluster_scan",
        json!({"scan_types": ["cluster_vul", "benchmark"], "cluster_ids": healthy_clusters(&p, 1), "confirmed": true}),
    )
    .await;
    let clusters = [("filter[task_type]", "cluster_scan")];
    assert!(listed(r, &cookie, &[clusters[0], ("filter[scan_type]", "benchmark")]).await.contains(&cluster));
    assert!(!listed(r, &cookie, &[clusters[0], ("filter[scan_type]", "risk_assessment")])
        .await
        .contains(&cluster));
    assert_eq!(
        listed(r, &cookie, &[clusters[0], ("filter[task_id]", &cluster)]).await,
        vec![cluster.clone()]
    );
    let iacs = ("filter[task_type]", "iac_scan");
    assert_eq!(listed(r, &cookie, &[iacs, ("filter[file_type]", "k8s_yaml")]).await, vec![iac.clone()]);
    assert!(listed(r, &cookie, &[iacs, ("filter[file_type]", "dockerfile")]).await.is_empty());

    // The list page shows each task's id and what it scans.
    let a = send(r, get("/scans?task_type=cluster_scan", Some(&cookie))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains(&cluster) && a.body.contains("Compliance benchmark"), "{}", a.body);
}

/// The cluster picker pages and searches in the cloud: 60 clusters, six views, one call; a name
/// search is the cloud's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cluster_picker_pages_and_searches_in_the_cloud() {
    let p = portal(&[]).await;
    p.emulator().set_data_size(emulator::data::DataSize::Large);
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    p.emulator().clear_requests();
    let mut seen = std::collections::BTreeSet::new();
    for offset in ["0", "10", "20", "30", "40", "50"] {
        let (status, page) = call_form(r, "/api/scans/clusters", &[("offset", offset)], &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 60);
        for c in page["clusters"].as_array().unwrap() {
            assert!(seen.insert(c["cluster"]["cluster_id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), 60, "every cluster once");
    let term: String = p.emulator().data().clusters[33].cluster_name.chars().take(5).collect();
    let (status, found) =
        call_form(r, "/api/scans/clusters", &[("offset", "0"), ("name", &term)], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let expected = p.emulator().data().clusters.iter().filter(|c| c.cluster_name.contains(&term)).count();
    assert_eq!(found["total"].as_u64(), Some(expected as u64));
    let calls = p.emulator().requests().iter().filter(|q| q.path.ends_with("/kubernetes/clusters")).count();
    assert_eq!(calls, 2, "one call for six views, one for the search");
}
