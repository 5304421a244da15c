//! The audit log through the router: every change writes exactly one entry with the right
//! fields, sign-ins that failed or were throttled are recorded, users read only their own
//! entries and administrators their account's, nothing can change an entry, and the CSV export
//! holds the filtered entries (read back with Python's csv module).

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

/// The newest entries the caller may read, with a filter's form fields.
async fn entries(r: &axum::Router, cookie: &str, filter: &[(&str, &str)]) -> (Vec<Value>, u64) {
    let mut form = vec![("filter[limit]", "100")];
    form.extend_from_slice(filter);
    let (status, page) = call_form(r, "/api/audit/entries", &form, cookie).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    (page["entries"].as_array().unwrap().clone(), page["total"].as_u64().unwrap())
}

fn keyed_form<'a>(form: &'a [(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    form.to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_change_writes_one_entry_and_readers_see_their_scope() {
    let p = portal(&["--admins", " SecPortal-Demo/Operator ,", "--sign-in-per-minute", "4"]).await;
    p.emulator().set_task_timing(emulator::timing::TaskTiming::AfterReads(1));
    let r = &p.built.router;
    let operator = sign_in(r).await;
    let auditor = sign_in_as(r, AUDITOR).await;

    let (status, list) = call_form(r, "/api/masking/instances", &[], &operator).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let instance = list.as_array().unwrap().iter().find(|i| i["active"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let yaml = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";
    let a = send(r, post_upload("k8s_yaml", &[("web.yaml", yaml)], Some(&operator))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let file_id = serde_json::from_str::<Value>(&a.body).unwrap()[0]["file_id"].as_str().unwrap().to_string();

    // Each change, the entry it must write (action, result, target kind), in order.
    let container =
        json!({"input": {"export_size": 5, "columns": [{"key": "container_name", "title": "Container"}]}});
    let iac = json!({"input": {"file_type": "k8s_yaml", "file_ids": [file_id]}});
    let steps: Vec<(&str, Request<Body>, &str, &str, &str)> = vec![
        (
            "export",
            post_json("/api/exports/containers", &keyed(container), Some(&operator)),
            "export_create",
            "ok",
            "hss_containers",
        ),
        (
            "scan",
            post_json("/api/scans/start_iac_scan", &keyed(iac), Some(&operator)),
            "scan_create",
            "ok",
            "iac_scan",
        ),
        (
            "retry of an unknown task",
            post_json(
                "/api/scans/retry",
                &keyed(
                    json!({"input": {"task_id": "no-such-task", "all_failed": true, "cluster_ids": [], "scan_types": []}}),
                ),
                Some(&operator),
            ),
            "scan_retry",
            "failed",
            "cluster_scan",
        ),
        (
            "rule create",
            post_form(
                "/api/masking/create",
                &keyed_form(&[
                    ("instance_id", &instance),
                    ("rule[rule_name]", "Audit me"),
                    ("rule[mask_regex]", "A\\d+"),
                    ("rule[mask_value]", "A*"),
                ]),
                Some(&operator),
            ),
            "masking_rule_create",
            "ok",
            "masking_rule",
        ),
        (
            "setting",
            post_form(
                "/api/masking/set_setting",
                &[("instance_id", &instance), ("setting", "result_set"), ("on", "false")],
                Some(&operator),
            ),
            "masking_setting",
            "ok",
            "masking_instance",
        ),
        (
            "switch",
            post_form(
                "/api/masking/switch",
                &[("instance_id", &instance), ("ids[0]", "no-such-rule"), ("on", "false")],
                Some(&operator),
            ),
            "masking_rule_switch",
            "",
            "masking_rule",
        ),
    ];
    let (_, mut before) = entries(r, &operator, &[]).await;
    for (what, req, action, result, kind) in steps {
        let a = send(r, req).await;
        let (now, total) = entries(r, &operator, &[]).await;
        assert_eq!(total, before + 1, "{what}: one entry ({} {})", a.status, a.body);
        before = total;
        let e = &now[0];
        assert_eq!(e["action"], action, "{what}: {e}");
        if !result.is_empty() {
            assert_eq!(e["result"], result, "{what}: {e} ({})", a.body);
        }
        assert_eq!(
            (e["domain_name"].as_str(), e["user_name"].as_str()),
            (Some("secportal-demo"), Some("operator")),
            "{what}"
        );
        assert_eq!(e["target"]["kind"], kind, "{what}: {e}");
        let request_id = a.headers.get("x-request-id").unwrap().to_str().unwrap();
        assert_eq!(e["request_id"], request_id, "{what}: the answer's request id");
        assert_eq!(e["session_hash"].as_str().unwrap().len(), 16, "{what}");
        assert!(!e["client"].as_str().unwrap().is_empty(), "{what}");
        assert!(!e["params"].as_str().unwrap().contains("operator-pass"), "{what}: no secrets");
        if result == "failed" {
            assert!(e["error_code"].is_string(), "{what}: {e}");
        }
    }

    // Rule update and delete, by the id the create made.
    let (_, page) = call_form(
        r,
        "/api/masking/rules",
        &[
            ("instance_id", &instance),
            ("query[offset]", "0"),
            ("query[limit]", "10"),
            ("query[q]", "audit me"),
        ],
        &operator,
    )
    .await;
    let rule_id = page["rules"][0]["id"].as_str().unwrap().to_string();
    let update = [
        ("instance_id", instance.as_str()),
        ("rule_id", &rule_id),
        ("rule[rule_name]", "Audited"),
        ("rule[mask_regex]", "B\\d+"),
        ("rule[mask_value]", "B*"),
    ];
    assert_eq!(call_form(r, "/api/masking/update", &update, &operator).await.0, StatusCode::OK);
    assert_eq!(
        call_form(r, "/api/masking/delete", &[("instance_id", &instance), ("rule_id", &rule_id)], &operator)
            .await
            .0,
        StatusCode::OK
    );
    let (now, total) = entries(r, &operator, &[]).await;
    assert_eq!(total, before + 2);
    assert_eq!(
        (now[0]["action"].as_str(), now[0]["target"]["id"].as_str()),
        (Some("masking_rule_delete"), Some(rule_id.as_str()))
    );
    assert_eq!(
        (now[1]["action"].as_str(), now[1]["target"]["name"].as_str()),
        (Some("masking_rule_update"), Some("Audited"))
    );
    assert!(now[1]["params"].as_str().unwrap().contains(&instance));

    // Refused and throttled sign-ins (4 tries a minute from one address; two were used).
    let wrong = [
        ("domain", "secportal-demo"),
        ("user", "team01"),
        ("password", "wrong-pass-1"),
        ("region", "cn-north-4"),
    ];
    assert_eq!(send(r, post_form("/api/auth/login", &wrong, None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(r, post_form("/api/auth/login", &wrong, None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(r, post_form("/api/auth/login", &wrong, None)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let (failed, _) =
        entries(r, &operator, &[("filter[action]", "sign_in"), ("filter[result]", "failed")]).await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!((failed[0]["user_name"].as_str(), failed[0]["user_id"].as_str()), (Some("team01"), Some("")));
    assert_eq!(failed[0]["error_code"], "BadCredentials");
    let (throttled, _) = entries(r, &operator, &[("filter[result]", "throttled")]).await;
    assert_eq!(throttled.len(), 1);

    // Scopes: the auditor sees their own sign-in only, even when asking for the operator's.
    let (own, total) = entries(r, &auditor, &[]).await;
    assert_eq!(total, 1, "{own:?}");
    assert_eq!((own[0]["user_name"].as_str(), own[0]["action"].as_str()), (Some("auditor"), Some("sign_in")));
    assert_eq!(entries(r, &auditor, &[("filter[user]", "operator")]).await.1, 0);
    let (theirs, _) = entries(r, &operator, &[("filter[user]", "AUDITOR")]).await;
    assert_eq!(theirs.len(), 1, "the administrator reads the auditor's entries");

    // Nothing changes an entry: there is no such route, and the database refuses it.
    for path in ["/api/audit/update", "/api/audit/delete", "/api/audit/prune"] {
        assert_eq!(
            send(r, post_form(path, &[("id", "1")], Some(&operator))).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let changed = sqlx::query("UPDATE audit SET result = 'ok'").execute(p.built.storage.sqlite()).await;
    assert!(changed.is_err());

    // The CSV export of a filter, read with Python's csv module.
    let a = send(r, get("/audit/export.csv?action=sign_in&result=failed", Some(&operator))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let rows = python_csv(&a.body);
    assert_eq!(rows.len(), 3, "header and two entries: {rows:?}");
    assert_eq!(rows[0][9], "action");
    assert!(rows[1..].iter().all(|r| r[9] == "sign_in" && r[14] == "failed" && r[4] == "team01"), "{rows:?}");
    let mine = send(r, get("/audit/export.csv", Some(&auditor))).await;
    assert_eq!(python_csv(&mine.body).len(), 2, "the auditor's export holds their own entry only");
    assert_eq!(send(r, get("/audit/export.csv", None)).await.status, StatusCode::SEE_OTHER);

    // The XLSX export of the same filter holds the same rows (openpyxl reads it).
    let x = send_bytes(r, get("/audit/export.xlsx?action=sign_in&result=failed", Some(&operator))).await;
    assert_eq!(x.0, StatusCode::OK);
    assert!(x.1.contains("spreadsheetml"), "{}", x.1);
    assert_eq!(python_xlsx(&x.2), rows, "the XLSX holds what the CSV holds");
    let mine = send_bytes(r, get("/audit/export.xlsx", Some(&auditor))).await;
    assert_eq!(python_xlsx(&mine.2).len(), 2, "the auditor's XLSX holds their own entry only");
    assert_eq!(send(r, get("/audit/export.xlsx", None)).await.status, StatusCode::SEE_OTHER);

    // The page renders on the server with the entries' table.
    let page = send(r, get("/audit?action=sign_in", Some(&operator))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("team01") && page.body.contains("<table"), "{}", page.body);

    // Sign-out is the last entry of the session.
    let out = send(r, post_form("/api/auth/logout", &[("stop_following", "false")], Some(&auditor))).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let (signed_out, _) = entries(r, &operator, &[("filter[action]", "sign_out")]).await;
    assert_eq!((signed_out.len(), signed_out[0]["user_name"].as_str()), (1, Some("auditor")));
    assert_eq!(signed_out[0]["session_hash"], own[0]["session_hash"], "one session, one hash");
}

/// Status, content type and body bytes of a request (the XLSX is not text).
async fn send_bytes(r: &axum::Router, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = r.clone().oneshot(req).await.unwrap();
    let kind = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
    let status = res.status();
    (status, kind.unwrap_or_default(), res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// Rows of every sheet of an XLSX workbook as openpyxl reads them, each value as text (empty
/// cells as ""), with the interoperability venv's Python (scripts/setup.sh makes it).
pub fn python_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use std::io::Write;
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/sdk-venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup.sh", python.display());
    let script = "import io, json, sys, openpyxl\n\
        wb = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()), read_only=True)\n\
        rows = [['' if v is None else str(v) for v in r] for ws in wb.worksheets \
                for i, r in enumerate(ws.iter_rows(values_only=True)) if i > 0 or ws is wb.worksheets[0]]\n\
        print(json.dumps(rows))";
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openpyxl could not read the workbook");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Rows of a CSV text as Python's csv module reads them.
fn python_csv(text: &str) -> Vec<Vec<String>> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", "import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}
