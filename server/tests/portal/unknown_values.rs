//! Values the portal does not know, in real answers: each list the portal reads from the cloud
//! gets a value outside its enum (the emulator rewrites its answer), and the list still answers,
//! showing the value verbatim, and the pages that show it still render.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// Rewrites every answer of one operation: `pairs` of (text, replacement).
fn rewrite(p: &Portal, service: &str, operation: &str, method: &str, pairs: &[(&str, &str)]) {
    let replace: Vec<[String; 2]> = pairs.iter().map(|(a, b)| [a.to_string(), b.to_string()]).collect();
    let rule = json!({"service": service, "operation": operation, "method": method, "replace": replace});
    p.emulator().add_fault(serde_json::from_value(rule).expect("a fault rule"));
}

async fn ok(r: &axum::Router, path: &str, form: &[(&str, &str)], cookie: &str) -> Value {
    let (status, v) = call_form(r, path, form, cookie).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_list_shows_values_it_does_not_know() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;

    // DBSS: an instance status and a rule type and status the portal has never seen.
    rewrite(&p, "dbss", "/dbss/audit/instances", "GET", &[("\"SHUTOFF\"", "\"FROZEN\"")]);
    rewrite(
        &p,
        "dbss",
        "sensitive/mask",
        "GET",
        &[("\"BUILD_IN\"", "\"SYSTEM_RULE\""), ("\"OFF\"", "\"PAUSED\"")],
    );
    let instances = ok(r, "/api/masking/instances", &[], &cookie).await;
    let statuses: Vec<&str> =
        instances.as_array().unwrap().iter().filter_map(|i| i["status"].as_str()).collect();
    assert!(statuses.contains(&"FROZEN"), "{instances}");
    let id =
        instances.as_array().unwrap().iter().find(|i| i["active"] == true).unwrap()["id"].as_str().unwrap();
    let form = [("instance_id", id), ("query[offset]", "0"), ("query[limit]", "100")];
    let rules = ok(r, "/api/masking/rules", &form, &cookie).await;
    let rules = rules["rules"].as_array().unwrap();
    assert!(
        rules.iter().any(|r| r["type"] == "SYSTEM_RULE") && rules.iter().any(|r| r["status"] == "PAUSED")
    );
    // A filter by a known type leaves the unknown ones out; the page shows them verbatim.
    let custom = ok(
        r,
        "/api/masking/rules",
        &[
            ("instance_id", id),
            ("query[offset]", "0"),
            ("query[limit]", "100"),
            ("query[kind]", "USER_DEFINE"),
        ],
        &cookie,
    )
    .await;
    assert!(custom["rules"].as_array().unwrap().iter().all(|r| r["type"] == "USER_DEFINE"), "{custom}");
    for (page, odd) in [("/masking".to_string(), "FROZEN"), (format!("/masking/{id}"), "SYSTEM_RULE")] {
        let a = send(r, get(&page, Some(&cookie))).await;
        assert_eq!(a.status, StatusCode::OK, "{page}");
        assert!(a.body.contains(odd), "{page} shows {odd}");
    }

    // DSC: a scan job status.
    rewrite(&p, "dsc", "/sdg/scan/job", "GET", &[("\"FAILED\"", "\"SUSPENDED\"")]);
    let jobs = ok(r, "/api/exports/dsc_jobs", &[], &cookie).await;
    assert!(jobs.as_array().unwrap().iter().any(|j| j["status"] == "SUSPENDED"), "{jobs}");

    // HSS: a scan task's status, trigger and items, its clusters' outcomes, and an IaC file type.
    let healthy = healthy_clusters(&p, 1);
    let input = json!({"scan_types": ["cluster_vul"], "cluster_ids": healthy, "confirmed": true});
    let (status, created) =
        call_json(r, "/api/scans/start_cluster_scan", keyed(json!({"input": input})), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    // Finished before the answers change (the tracker reads the same list).
    let row =
        wait_finished(r, &cookie, created["row"]["id"].as_str().unwrap(), std::time::Duration::from_secs(40))
            .await;
    let task_id = row["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    rewrite(
        &p,
        "hss",
        "tasks/batch-query",
        "POST",
        &[
            ("\"manual\"", "\"api_call\""),
            ("\"cluster_vul\"", "\"supply_chain\""),
            ("\"running\"", "\"queued\""),
            ("\"finished\"", "\"archived\""),
        ],
    );
    rewrite(
        &p,
        "hss",
        "resources/batch-query",
        "POST",
        &[("\"scanning\"", "\"paused\""), ("\"success\"", "\"partial\"")],
    );
    let form = [("filter[task_type]", "cluster_scan"), ("filter[offset]", "0"), ("filter[limit]", "10")];
    let list = ok(r, "/api/scans/tasks", &form, &cookie).await;
    let task =
        list["tasks"].as_array().unwrap().iter().find(|t| t["task_id"] == task_id.as_str()).expect("listed");
    assert!(["queued", "archived"].contains(&task["task_status"].as_str().unwrap()), "{task}");
    assert_eq!(
        (task["trigger_type"].as_str(), task["cluster_scan_info"]["scan_type_list"][0].as_str()),
        (Some("api_call"), Some("supply_chain"))
    );
    let d = ok(r, "/api/scans/task", &[("task_type", "cluster_scan"), ("task_id", &task_id)], &cookie).await;
    let outcome = d["clusters"][0]["scan_status"].as_str().unwrap();
    assert!(["paused", "partial"].contains(&outcome), "{d}");
    for page in ["/scans".to_string(), format!("/scans/cluster_scan/{task_id}")] {
        let a = send(r, get(&page, Some(&cookie))).await;
        assert_eq!(a.status, StatusCode::OK, "{page}");
        assert!(
            a.body.contains("api_call") || a.body.contains("paused") || a.body.contains("partial"),
            "{page}"
        );
    }

    let yaml = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";
    let a = send(r, post_upload("k8s_yaml", &[("web.yaml", yaml)], Some(&cookie))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    rewrite(&p, "hss", "iac/files", "GET", &[("\"k8s_yaml\"", "\"helm_chart\"")]);
    let files = ok(r, "/api/scans/iac_files", &[("file_type", "k8s_yaml"), ("offset", "0")], &cookie).await;
    assert!(files["files"].as_array().unwrap().iter().any(|f| f["file_type"] == "helm_chart"), "{files}");
}
