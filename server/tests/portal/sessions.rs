//! The sessions page's server functions through the router: a user lists their live sessions
//! (when and from where each signed in, with which browser) and ends one or all the others, and
//! an ended session's cookie is dead at once; an administrator (named by SECPORTAL_ADMINS, or by
//! membership of SECPORTAL_ADMIN_GROUP as IAM reports it) lists and ends the account's; every end
//! writes one `session_ended` audit entry.

use crate::common::*;
use axum::http::{header, StatusCode};
use serde_json::Value;

/// Signs in from a browser of its own and returns the session's cookie.
async fn sign_in_with(r: &axum::Router, who: &[(&str, &str)], agent: &str) -> String {
    let mut req = post_form("/api/auth/login", who, None);
    req.headers_mut().insert(header::USER_AGENT, agent.parse().unwrap());
    let a = send(r, req).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.session_cookie().unwrap()
}

async fn list(r: &axum::Router, cookie: &str) -> (Vec<Value>, bool) {
    let (status, list) = call_form(r, "/api/sessions/list", &[], cookie).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    (list["sessions"].as_array().unwrap().clone(), list["admin"].as_bool().unwrap())
}

fn handle_of(sessions: &[Value], agent: &str) -> String {
    let s =
        sessions.iter().find(|s| s["user_agent"] == agent).unwrap_or_else(|| panic!("{agent}: {sessions:?}"));
    s["handle"].as_str().unwrap().to_string()
}

/// Whether a cookie still opens the portal.
async fn alive(r: &axum::Router, cookie: &str) -> bool {
    let a = send(r, post_form("/api/auth/whoami", &[], Some(cookie))).await;
    match a.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("whoami answered {other}: {}", a.body),
    }
}

async fn ended_entries(r: &axum::Router, admin_cookie: &str) -> Vec<Value> {
    let form = [("filter[action]", "session_ended"), ("filter[limit]", "100")];
    let (status, page) = call_form(r, "/api/audit/entries", &form, admin_cookie).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["entries"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn users_end_their_own_sessions_and_administrators_the_accounts() {
    let p = portal(&["--admins", "secportal-demo/operator", "--sign-in-per-minute", "100"]).await;
    let r = &p.built.router;
    let laptop =
        sign_in_with(r, &team(1).iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(), "Laptop/1.0")
            .await;
    let team01: Vec<(&str, String)> = team(1);
    let form: Vec<(&str, &str)> = team01.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let phone = sign_in_with(r, &form, "Phone/2.0").await;
    let kiosk = sign_in_with(r, &form, "Kiosk/3.0").await;
    let auditor = sign_in_with(r, AUDITOR, "Auditor/1.0").await;

    // Their own, this one first and marked, with when, where from and which browser.
    let (mine, admin) = list(r, &laptop).await;
    assert!(!admin);
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert_eq!(
        (mine[0]["user_agent"].as_str(), mine[0]["current"].as_bool()),
        (Some("Laptop/1.0"), Some(true))
    );
    assert!(mine
        .iter()
        .all(|s| s["user_name"] == "team01" && s["client"].as_str().is_some_and(|c| !c.is_empty())));
    assert!(mine.iter().all(|s| s["started_at"].as_i64().unwrap() > 1_700_000_000_000));
    assert!(mine.iter().all(|s| s["handle"].as_str().unwrap().len() == 16));
    assert!(
        !serde_json::to_string(&mine).unwrap().contains(phone.split('=').nth(1).unwrap()),
        "no session id leaves"
    );

    // Ending another makes its cookie dead at once.
    let phone_handle = handle_of(&mine, "Phone/2.0");
    let (status, body) = call_form(r, "/api/sessions/end", &[("handle", &phone_handle)], &laptop).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!alive(r, &phone).await, "the ended session's cookie opens nothing");
    assert!(alive(r, &laptop).await && alive(r, &kiosk).await);
    assert_eq!(
        send(r, get("/history", Some(&phone))).await.status,
        StatusCode::SEE_OTHER,
        "pages send it to sign-in"
    );
    let (status, body) = call_form(r, "/api/sessions/end", &[("handle", &phone_handle)], &laptop).await;
    assert_eq!((status, body["message"].is_string()), (StatusCode::NOT_FOUND, true), "{body}");

    // The session in use is ended by signing out; a malformed handle names its field.
    let own = handle_of(&list(r, &laptop).await.0, "Laptop/1.0");
    let (status, body) = call_form(r, "/api/sessions/end", &[("handle", &own)], &laptop).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("handle")), "{body}");
    let (status, body) = call_form(r, "/api/sessions/end", &[("handle", "not-a-handle")], &laptop).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("handle")), "{body}");

    // A user cannot see or end anyone else's.
    let (theirs, _) = list(r, &auditor).await;
    assert_eq!(theirs.len(), 1, "the auditor sees their own only: {theirs:?}");
    let kiosk_handle = handle_of(&list(r, &kiosk).await.0, "Kiosk/3.0");
    let (status, _) = call_form(r, "/api/sessions/end", &[("handle", &kiosk_handle)], &auditor).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(alive(r, &kiosk).await);

    // "All my other sessions" ends the kiosk's and keeps this one.
    let (status, count) = call_form(r, "/api/sessions/end_others", &[], &laptop).await;
    assert_eq!((status, count.as_u64()), (StatusCode::OK, Some(1)), "{count}");
    assert!(!alive(r, &kiosk).await && alive(r, &laptop).await);

    // The administrator sees the account's sessions and ends the auditor's.
    let operator = sign_in_with(r, OPERATOR, "Admin/1.0").await;
    let (all, admin) = list(r, &operator).await;
    assert!(admin);
    let users: std::collections::BTreeSet<&str> =
        all.iter().map(|s| s["user_name"].as_str().unwrap()).collect();
    assert_eq!(users.into_iter().collect::<Vec<_>>(), vec!["auditor", "operator", "team01"]);
    let auditors = handle_of(&all, "Auditor/1.0");
    let (status, body) = call_form(r, "/api/sessions/end", &[("handle", &auditors)], &operator).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!alive(r, &auditor).await);

    // One entry per ended session: by whom, whose, with the session's hash as the target.
    let entries = ended_entries(r, &operator).await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    let by = |e: &Value| serde_json::from_str::<Value>(e["params"].as_str().unwrap()).unwrap()["by"].clone();
    assert_eq!(
        (entries[0]["user_name"].as_str(), by(&entries[0]).as_str()),
        (Some("operator"), Some("administrator"))
    );
    assert_eq!(entries[0]["target"]["id"].as_str(), Some(auditors.as_str()));
    assert_eq!(entries[0]["target"]["name"].as_str(), Some("secportal-demo/auditor"));
    assert_eq!(entries[2]["target"]["id"].as_str(), Some(phone_handle.as_str()));
    assert!(entries
        .iter()
        .skip(1)
        .all(|e| e["user_name"] == "team01" && by(e) == "owner" && e["result"] == "ok"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_of_the_admin_group_administer_their_account() {
    let p = portal(&["--admin-group", "secportal-admins", "--sign-in-per-minute", "100"]).await;
    let r = &p.built.router;
    // team09 is in the group (which grants IAM read permission); team08 is in a group without
    // it, so IAM refuses to list its groups; the operator is in none.
    let member = sign_in_team(r, 9).await;
    let refused = sign_in_team(r, 8).await;
    let operator = sign_in(r).await;
    assert!(list(r, &member).await.1, "the group's member administers the account");
    assert_eq!(list(r, &member).await.0.len(), 3);
    assert!(!list(r, &refused).await.1, "IAM would not list team08's groups: not an administrator");
    assert!(!list(r, &operator).await.1);
    let (status, page) = call_form(r, "/api/audit/entries", &[("filter[action]", "sign_in")], &member).await;
    assert_eq!((status, page["admin"].as_bool()), (StatusCode::OK, Some(true)), "{page}");
    assert_eq!(page["total"].as_u64(), Some(3), "the administrator reads everyone's sign-ins");
}
