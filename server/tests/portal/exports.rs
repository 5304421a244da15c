//! Export server functions through the router, as the demo operator and auditor: each export
//! type created, followed by the tracker, downloaded and listed; validation and cloud errors.

use std::time::Duration;

use crate::common::*;
use axum::http::{header, StatusCode};
use serde_json::{json, Value};

const WITHIN: Duration = Duration::from_secs(40);

fn container_export(size: i64) -> Value {
    json!({"input": {
        "export_size": size,
        "columns": [
            {"key": "status", "title": "State"},
            {"key": "container_name", "title": "Container"},
            {"key": "cluster_name", "title": "Cluster, name"}
        ],
        "status": "Running",
        "cluster_name": "  ",
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn container_export_end_to_end_with_remembered_columns() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let (status, defaults) = call_form(r, "/api/exports/columns", &[], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{defaults}");
    assert_eq!(defaults.as_array().unwrap().len(), 5, "{defaults}");

    let (status, created) =
        call_json(r, "/api/exports/containers", keyed(container_export(7)), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["row"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["row"]["status"], "running");
    assert_eq!(created["row"]["summary"], "3 columns · Running · up to 7", "blank filters are dropped");

    let row = wait_finished(r, &cookie, &id, WITHIN).await;
    assert_eq!(row["status"], "success", "{row}");
    assert_eq!(row["downloadable"], true);
    let file_name = row["file_name"].as_str().unwrap().to_string();
    assert!(file_name.starts_with("hss-container-list-") && file_name.ends_with(".zip"), "{file_name}");

    let (status, headers, body) = download(r, &cookie, &id).await;
    assert_eq!(status, StatusCode::OK);
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains(&format!("filename=\"{file_name}\"")), "{disposition}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    let lines = zip_first_entry_lines(&body);
    assert_eq!(lines[0], "State,Container,\"Cluster, name\"");
    assert_eq!(lines.len(), 8, "a title row and export_size rows");
    assert!(lines[1..].iter().all(|l| l.starts_with("Running,")), "{lines:?}");

    // The column set is remembered for next time.
    let (_, remembered) = call_form(r, "/api/exports/columns", &[], &cookie).await;
    assert_eq!(remembered[2], json!({"key": "cluster_name", "title": "Cluster, name"}));

    // Another user neither sees nor downloads it.
    let auditor = sign_in_as(r, AUDITOR).await;
    let (status, _) = call_form(r, "/api/exports/status", &[("id", &id)], &auditor).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = download(r, &auditor, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("No such export"));
    let (_, page) =
        call_form(r, "/api/exports/history", &[("filter[offset]", "0"), ("filter[limit]", "10")], &auditor)
            .await;
    assert_eq!(page["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_input_names_the_field_and_never_reaches_the_cloud() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    p.emulator().clear_requests();
    let cases = [
        ("/api/exports/containers", container_export(0), "export_size"),
        ("/api/exports/containers", container_export(100_001), "export_size"),
        ("/api/exports/containers", json!({"input": {"columns": []}}), "columns"),
        (
            "/api/exports/containers",
            json!({"input": {"columns": [{"key": "owner", "title": "Owner"}]}}),
            "columns",
        ),
        (
            "/api/exports/containers",
            json!({"input": {"columns": [{"key": "status", "title": "S"}], "create_start": 9, "create_end": 1}}),
            "create_time",
        ),
        ("/api/exports/local_vuls", json!({"input": {"export_size": 10}}), "image_ids"),
        (
            "/api/exports/local_vuls",
            json!({"input": {"export_size": 10, "operate_all": true, "vul_type": "kernel"}}),
            "vul_type",
        ),
        ("/api/exports/dsc", json!({"input": {"job_id": ""}}), "job_id"),
        ("/api/exports/dsc", json!({"input": {"job_id": "../x"}}), "job_id"),
    ];
    for (path, body, field) in cases {
        let (status, e) = call_json(r, path, keyed(body.clone()), &cookie).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {e}");
        assert_eq!(e["field"], field, "{path} {body}: {e}");
    }
    let (status, e) =
        call_json(r, "/api/exports/containers", keyed(json!({"input": "nonsense"})), &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) =
        call_form(r, "/api/exports/history", &[("filter[offset]", "0"), ("filter[limit]", "7")], &cookie)
            .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
    let (status, e) = call_form(
        r,
        "/api/exports/history",
        &[("filter[offset]", "0"), ("filter[limit]", "10"), ("filter[kind]", "x")],
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("kind")));
    let exports = p.emulator().requests().into_iter().filter(|q| q.path.contains("export")).count();
    assert_eq!(exports, 0, "nothing invalid was sent to the cloud");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cloud_errors_read_as_what_to_do() {
    let (p, _) = quick_demo().await;
    let r = &p.built.router;
    let auditor = sign_in_as(r, AUDITOR).await;
    let (status, e) = call_json(r, "/api/exports/containers", keyed(container_export(5)), &auditor).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["cloud_code"], "HSS.0013");
    assert!(e["request_id"].as_str().is_some_and(|s| !s.is_empty()), "{e}");

    // The portal's own HSS budget (5 a minute per user per API) answers before the cloud does.
    let cookie = sign_in(r).await;
    let mut last = (StatusCode::OK, Value::Null);
    for _ in 0..6 {
        last = call_json(r, "/api/exports/containers", keyed(container_export(1)), &cookie).await;
    }
    assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{}", last.1);
    assert_eq!(last.1["kind"], "Throttled");
    assert!(last.1["retry_after_secs"].as_u64().is_some_and(|s| (1..=60).contains(&s)), "{}", last.1);

    // Signed out: 401, and the download page offers to sign in again.
    let (status, _) =
        call_json(r, "/api/exports/containers", keyed(container_export(5)), "secportal_session=x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn local_image_vulnerabilities_of_two_chosen_images() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let (status, page) = call_form(r, "/api/exports/local_images", &[("offset", "0")], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 36);
    assert_eq!(page["images"].as_array().unwrap().len(), 10);
    let with_vuls: Vec<&Value> = page["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["vul_num"].as_i64() > Some(0))
        .take(2)
        .collect();
    let ids: Vec<&str> = with_vuls.iter().map(|i| i["image_id"].as_str().unwrap()).collect();
    let name = with_vuls[0]["image_name"].as_str().unwrap();
    let (_, searched) =
        call_form(r, "/api/exports/local_images", &[("offset", "0"), ("name", name)], &cookie).await;
    assert!(searched["images"].as_array().unwrap().iter().all(|i| i["image_name"] == name), "{searched}");

    let body = json!({"input": {"export_size": 1000, "image_ids": ids, "operate_all": false, "vul_ids": []}});
    let (status, created) = call_json(r, "/api/exports/local_vuls", keyed(body), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let expected = with_vuls.iter().map(|i| i["vul_num"].as_i64().unwrap()).sum::<i64>();
    assert_eq!(created["record_total_num"], expected);
    let id = created["row"]["id"].as_str().unwrap();
    let row = wait_finished(r, &cookie, id, WITHIN).await;
    assert_eq!(row["status"], "success", "{row}");
    let (status, _, body) = download(r, &cookie, id).await;
    assert_eq!(status, StatusCode::OK);
    let lines = zip_first_entry_lines(&body);
    assert_eq!(lines.len() as i64, expected + 1);
    assert!(lines[1..].iter().all(|l| ids.iter().any(|id| l.contains(id))), "only the chosen images");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dsc_results_picked_previewed_exported_and_downloaded() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let (status, jobs) = call_form(r, "/api/exports/dsc_jobs", &[], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{jobs}");
    let job = jobs.as_array().unwrap().iter().find(|j| j["status"] == "FINISHED").expect("a finished job");
    let job_id = job["id"].as_str().unwrap();
    let (status, choices) = call_form(r, "/api/exports/dsc_choices", &[("job_id", job_id)], &cookie).await;
    assert_eq!(status, StatusCode::OK, "{choices}");
    let level = choices["levels"][0]["security_level_id"].as_str().unwrap();
    let bucket = choices["buckets"][0].as_str().unwrap();
    let input = json!({"job_id": job_id, "security_level_ids": [level], "bucket_name": bucket, "mask": true});
    let (status, preview) = call_json(r, "/api/exports/dsc_preview", json!({"input": input}), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(preview["total"].as_i64() > Some(0), "{preview}");
    let level_name = choices["levels"][0]["security_level_name"].as_str().unwrap();
    assert!(preview["rows"].as_array().unwrap().iter().all(|x| x["security_level_name"] == level_name));

    let (status, created) = call_json(r, "/api/exports/dsc", keyed(json!({"input": input})), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["row"]["id"].as_str().unwrap();
    let row = wait_finished(r, &cookie, id, WITHIN).await;
    assert_eq!(row["status"], "success", "{row}");
    let (status, headers, body) = download(r, &cookie, id).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".xlsx"));
    assert_eq!(&body[..2], b"PK", "an XLSX is a ZIP");

    let (_, unknown) = call_form(r, "/api/exports/dsc_choices", &[("job_id", "no-such-job")], &cookie).await;
    assert!(unknown["cloud_code"].as_str().is_some_and(|c| c.starts_with("dsc.")), "{unknown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn history_filters_pages_and_records_failures() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    p.emulator().fail_next_exports(1);
    let (_, failed) = call_json(r, "/api/exports/containers", keyed(container_export(3)), &cookie).await;
    let failed_id = failed["row"]["id"].as_str().unwrap().to_string();
    let (_, ok) = call_json(r, "/api/exports/containers", keyed(container_export(3)), &cookie).await;
    let body = json!({"input": {"export_size": 10, "operate_all": true}});
    let (_, vul) = call_json(r, "/api/exports/local_vuls", keyed(body), &cookie).await;
    for id in [&failed_id, ok["row"]["id"].as_str().unwrap(), vul["row"]["id"].as_str().unwrap()] {
        wait_finished(r, &cookie, id, WITHIN).await;
    }
    let page = |form: Vec<(&'static str, &'static str)>| {
        let c = cookie.clone();
        async move { call_form(r, "/api/exports/history", &form, &c).await.1 }
    };
    let all = page(vec![("filter[offset]", "0"), ("filter[limit]", "10")]).await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["rows"][0]["kind"], "hss_local_vuls", "newest first");
    let failures =
        page(vec![("filter[offset]", "0"), ("filter[limit]", "10"), ("filter[status]", "failure")]).await;
    assert_eq!(failures["total"], 1);
    let row = &failures["rows"][0];
    assert_eq!(row["id"], failed_id.as_str());
    assert!(row["failure"].as_str().unwrap().contains("HSS reported the export as failed"), "{row}");
    assert_eq!(row["downloadable"], false);
    let containers =
        page(vec![("filter[offset]", "0"), ("filter[limit]", "10"), ("filter[kind]", "hss_containers")])
            .await;
    assert_eq!(containers["total"], 2);
    let second = page(vec![("filter[offset]", "2"), ("filter[limit]", "10")]).await;
    assert_eq!((second["total"].as_u64(), second["rows"].as_array().unwrap().len()), (Some(3), 1));
    let (status, _, body) = download(r, &cookie, &failed_id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("has no file"));
}

/// A 20,000-image account: the picker pages and searches on the cloud's side, one call per 200
/// images, within HSS's 5 calls a minute (both the portal's limiter and the emulator's are on).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_image_picker_pages_a_20000_image_account_within_the_rate_limit() {
    let p = portal(&[]).await;
    p.emulator().set_data_size(emulator::data::DataSize::Large);
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    p.emulator().clear_requests();
    let view = |offset: u32, name: Option<String>| {
        let cookie = cookie.clone();
        async move {
            let offset = offset.to_string();
            let mut form = vec![("offset", offset.as_str())];
            if let Some(n) = name.as_deref() {
                form.push(("name", n));
            }
            let (status, page) = call_form(r, "/api/exports/local_images", &form, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{offset}: {page}");
            page
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    // Twenty views of the first chunk, the middle and the last page.
    for offset in (0..200).step_by(10).chain([10_000, 19_990]) {
        let page = view(offset, None).await;
        assert_eq!(page["total"], 20_000);
        let images = page["images"].as_array().unwrap();
        assert_eq!(images.len(), 10, "offset {offset}");
        for i in images {
            assert!(seen.insert(i["image_id"].as_str().unwrap().to_string()), "an image shown twice");
        }
    }
    // A search by name runs in the cloud, over every image.
    let name = p.emulator().data().images[15_000].image_name.clone();
    let searched = view(0, Some(name.clone())).await;
    let matching = p.emulator().data().images.iter().filter(|i| i.image_name.contains(&name)).count();
    assert_eq!(searched["total"].as_u64(), Some(matching as u64));
    assert!(searched["images"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["image_name"].as_str().unwrap().contains(&name)));
    let calls =
        p.emulator().requests().iter().filter(|q| q.path.ends_with("/image/local-repositories")).count();
    assert_eq!(calls, 4, "one call per chunk: the first, the middle, the last and the search");
}

/// The container form's preview: how many containers the list's filters match and the first
/// rows, from one cloud call that a second preview reuses; a bad filter names its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_container_preview_counts_the_match_with_one_call() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let part: String = p.emulator().data().containers[0].container_name.chars().take(4).collect();
    let expected = p
        .emulator()
        .data()
        .containers
        .iter()
        .filter(|c| c.container_name.contains(&part) && !c.cluster_name.is_empty())
        .count();
    assert!(expected > 0);
    p.emulator().clear_requests();
    let columns = json!([{"key": "container_name", "title": "Name"}]);
    let input = json!({"input": {"columns": columns, "container_name": part, "cluster_container": true}});
    for _ in 0..2 {
        let (status, preview) = call_json(r, "/api/exports/container_preview", input.clone(), &cookie).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["total"].as_u64(), Some(expected as u64));
        let rows = preview["rows"].as_array().unwrap();
        assert_eq!(rows.len(), expected.min(10));
        assert!(rows
            .iter()
            .all(|c| c["container_name"].as_str().unwrap().contains(&part) && c["cluster_name"] != ""));
    }
    let calls = p.emulator().requests().iter().filter(|q| q.path.ends_with("/container/kubernetes")).count();
    assert_eq!(calls, 1, "the second preview reuses the first's answer");
    let long = json!({"input": {"columns": columns, "pod_name": "p".repeat(600)}});
    let (status, e) = call_json(r, "/api/exports/container_preview", long, &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("pod_name")), "{e}");
}

/// The image picker is narrowed in the cloud by the export form's scan status and container use,
/// so it lists what "all matching" would export; a status the list does not know names its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_image_picker_is_narrowed_by_the_forms_filters() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let images = p.emulator().data().images.clone();
    let total = |form: Vec<(&'static str, &'static str)>| {
        let cookie = cookie.clone();
        async move {
            let mut form = form;
            form.push(("offset", "0"));
            let (status, page) = call_form(r, "/api/exports/local_images", &form, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page["total"].as_u64().unwrap() as usize
        }
    };
    let used = images.iter().filter(|i| i.container_num > 0).count();
    let scanned_unused = images.iter().filter(|i| i.scan_status == "success" && i.container_num == 0).count();
    assert!(used > 0 && used < images.len());
    assert_eq!(total(vec![("has_container", "true")]).await, used);
    assert_eq!(total(vec![("scan_status", "success"), ("has_container", "false")]).await, scanned_unused);
    let (status, e) =
        call_form(r, "/api/exports/local_images", &[("offset", "0"), ("scan_status", "bogus")], &cookie)
            .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("scan_status")), "{e}");
}
