//! DBSS masking-rule server functions through the router, as the demo operator and auditor.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

async fn json(r: &axum::Router, path: &str, form: &[(&str, &str)], cookie: &str) -> (StatusCode, Value) {
    let a = send(r, post_form(path, form, Some(cookie))).await;
    (a.status, serde_json::from_str(&a.body).unwrap_or(Value::Null))
}

async fn active_instance(r: &axum::Router, cookie: &str) -> String {
    let (status, list) = json(r, "/api/masking/instances", &[], cookie).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    list.iter().find(|i| i["active"] == true).unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn page_filter_create_edit_switch_delete() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let id = active_instance(r, &cookie).await;
    let rules = |extra: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("instance_id", id.clone()),
            ("query[offset]", "0".to_string()),
            ("query[limit]", "10".to_string()),
        ];
        form.extend(extra);
        form
    };
    let call = |f: Vec<(&'static str, String)>| {
        let c = cookie.clone();
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            json(r, "/api/masking/rules", &refs, &c).await
        }
    };
    let (status, page) = call(rules(vec![])).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!((page["total"].as_u64(), page["rules"].as_array().unwrap().len()), (Some(15), 10));
    let (_, custom) = call(rules(vec![("query[kind]", "USER_DEFINE".into())])).await;
    assert_eq!(custom["total"], 3);
    let (_, searched) = call(rules(vec![("query[q]", "passport".into())])).await;
    assert_eq!(searched["rules"][0]["name"], "Passport NO.");

    let create = [
        ("instance_id", id.as_str()),
        ("rule[rule_name]", "Order number"),
        ("rule[mask_regex]", r"ORD-\d{8}"),
        ("rule[mask_value]", "ORD-********"),
    ];
    let (status, body) = json(r, "/api/masking/create", &create, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, found) = call(rules(vec![("query[q]", "order number".into())])).await;
    let rule_id = found["rules"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(found["rules"][0]["status"], "ON");

    let update = [
        ("instance_id", id.as_str()),
        ("rule_id", rule_id.as_str()),
        ("rule[rule_name]", "Order no."),
        ("rule[mask_regex]", r"ORD-\d{10}"),
        ("rule[mask_value]", "ORD-**********"),
    ];
    assert_eq!(json(r, "/api/masking/update", &update, &cookie).await.0, StatusCode::OK);
    let passport = searched["rules"][0]["id"].as_str().unwrap().to_string();
    let switch = [
        ("instance_id", id.as_str()),
        ("ids[0]", rule_id.as_str()),
        ("ids[1]", passport.as_str()),
        ("on", "false"),
    ];
    assert_eq!(json(r, "/api/masking/switch", &switch, &cookie).await.0, StatusCode::OK);
    let (_, off) = call(rules(vec![("query[status]", "OFF".into()), ("query[q]", "o".into())])).await;
    let off_names: Vec<&str> =
        off["rules"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(off_names.contains(&"Order no.") && off_names.contains(&"Passport NO."), "{off_names:?}");

    let delete = [("instance_id", id.as_str()), ("rule_id", rule_id.as_str())];
    assert_eq!(json(r, "/api/masking/delete", &delete, &cookie).await.0, StatusCode::OK);
    assert_eq!(call(rules(vec![])).await.1["total"], 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_validation_permissions() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let id = active_instance(r, &cookie).await;
    let (status, s) = json(r, "/api/masking/settings", &[("instance_id", &id)], &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((s["masking_on"].as_bool(), s["result_set_on"].as_bool()), (Some(true), Some(false)));
    let set = [("instance_id", id.as_str()), ("setting", "result_set"), ("on", "true")];
    assert_eq!(json(r, "/api/masking/set_setting", &set, &cookie).await.0, StatusCode::OK);
    assert_eq!(
        json(r, "/api/masking/settings", &[("instance_id", &id)], &cookie).await.1["result_set_on"],
        true
    );

    // Bad input names the field.
    let bad = [
        ("instance_id", id.as_str()),
        ("rule[rule_name]", ""),
        ("rule[mask_regex]", "x"),
        ("rule[mask_value]", "y"),
    ];
    let (status, e) = json(r, "/api/masking/create", &bad, &cookie).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("rule_name")));
    let (status, e) = json(
        r,
        "/api/masking/rules",
        &[("instance_id", &id), ("query[offset]", "0"), ("query[limit]", "7")],
        &cookie,
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
    // The service refuses an invalid expression with its own code.
    let broken = [
        ("instance_id", id.as_str()),
        ("rule[rule_name]", "B"),
        ("rule[mask_regex]", "a(b"),
        ("rule[mask_value]", "y"),
    ];
    let (status, e) = json(r, "/api/masking/create", &broken, &cookie).await;
    assert_eq!((status, e["cloud_code"].as_str()), (StatusCode::BAD_GATEWAY, Some("DBSS.10000001")));
    assert!(e["request_id"].is_string(), "{e}");

    // The auditor sees everything and is refused every change, clearly.
    let a = send(
        r,
        post_form(
            "/api/auth/login",
            &[
                ("domain", "secportal-demo"),
                ("user", "auditor"),
                ("password", "auditor-pass-1"),
                ("region", "cn-north-4"),
            ],
            None,
        ),
    )
    .await;
    let auditor = a.session_cookie().unwrap();
    assert_eq!(json(r, "/api/masking/settings", &[("instance_id", &id)], &auditor).await.0, StatusCode::OK);
    let (status, e) = json(r, "/api/masking/set_setting", &set, &auditor).await;
    assert_eq!((status, e["kind"].as_str()), (StatusCode::FORBIDDEN, Some("Forbidden")));
    assert_eq!(e["cloud_code"], "DBSS.10000002");

    // Signed out: 401.
    let (status, e) = json(r, "/api/masking/instances", &[], "secportal_session=nope").await;
    assert_eq!((status, e["kind"].as_str()), (StatusCode::UNAUTHORIZED, Some("SignedOut")));
}
