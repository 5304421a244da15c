//! Authentication at the emulated API gateway: tokens and AK/SK signatures, as `cloud` sends
//! them, and the APIGW errors for everything else.

use crate::common::*;
use cloud::hss::{ClusterQuery, TaskType};
use cloud::{Caller, CloudError, Credentials, Secret};

fn assert_apigw_0301(err: CloudError, detail: &str) {
    match err {
        CloudError::Api { status, code, message, request_id, .. } => {
            assert_eq!((status, code.as_str()), (401, "APIGW.0301"), "{message}");
            assert!(message.contains(detail), "{message}");
            assert!(request_id.is_some());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn token_and_signature_both_get_through() {
    let (_emu, client) = setup().await;
    for caller in [operator(&client).await, operator_aksk()] {
        let stats = client.hss_task_statistics(&caller, TaskType::ClusterScan).await.unwrap();
        assert_eq!(stats.total_num, 0);
        let list = client
            .hss_list_clusters(&caller, &ClusterQuery { limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(list.total_num, 12);
        assert_eq!(list.cluster_info_list.len(), 10);
    }
}

#[tokio::test]
async fn signatures_cover_query_strings_with_odd_characters() {
    let (_emu, client) = setup().await;
    let q = ClusterQuery {
        limit: 200,
        cluster_name: Some("pay ments/一 (&=?!#%.*)+".into()),
        ..Default::default()
    };
    let list = client.hss_list_clusters(&operator_aksk(), &q).await.unwrap();
    assert_eq!(list.total_num, 0);
}

#[tokio::test]
async fn wrong_secret_unknown_key_missing_and_forged_tokens_are_refused() {
    let (_emu, client) = setup().await;
    let bad_sk = aksk("SPDEMOAKOPERATOR0001", "not-the-secret");
    let err = client.hss_task_statistics(&bad_sk, TaskType::IacScan).await.unwrap_err();
    assert_apigw_0301(err, "verify aksk signature fail");

    let unknown = aksk("SPNOSUCHKEY000000000", "x");
    let err = client.hss_task_statistics(&unknown, TaskType::IacScan).await.unwrap_err();
    assert_apigw_0301(err, "ak not exist");

    let forged = Caller { credentials: Credentials::Token(Secret::new("MIIforged")), ..operator_aksk() };
    let err = client.hss_task_statistics(&forged, TaskType::IacScan).await.unwrap_err();
    assert_apigw_0301(err, "decrypt token fail");
}

#[tokio::test]
async fn expired_tokens_are_named_as_such() {
    let (_emu, client) = setup_with(emulator::Config {
        token_ttl: std::time::Duration::from_millis(50),
        ..Default::default()
    })
    .await;
    let caller = operator(&client).await;
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let err = client.hss_task_statistics(&caller, TaskType::ClusterScan).await.unwrap_err();
    assert_apigw_0301(err, "token expires");
}

#[tokio::test]
async fn hss_bounds_are_checked_on_both_sides() {
    let (emu, client) = setup().await;
    // The client refuses before sending…
    let err =
        client.hss_list_clusters(&operator_aksk(), &ClusterQuery { limit: 500, ..Default::default() }).await;
    assert!(matches!(err, Err(CloudError::Invalid { field: "limit", .. })), "{err:?}");
    // …and the emulator says the same to anyone who sends it anyway.
    let http = reqwest::Client::new();
    let caller = operator(&client).await;
    let Credentials::Token(token) = &caller.credentials else { unreachable!() };
    let resp = http
        .get(format!("{}/v5/{CN_NORTH_4}/kubernetes/clusters?limit=500", emu.base_url()))
        .header("X-Auth-Token", token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], "HSS.0001");
    assert!(body["error_msg"].as_str().unwrap().contains("limit"));
}

#[tokio::test]
async fn signatures_older_than_15_minutes_are_refused() {
    use cloud::signer::{hex_sha256, sdk_date, Signable};
    let (emu, _client) = setup().await;
    let path = format!("/v5/{CN_NORTH_4}/common/task-statistics");
    let query = [("task_type".to_string(), "cluster_scan".to_string())];
    let host = emu.base_url().trim_start_matches("http://").to_string();
    let send = |minutes_ago: i64| {
        let date = sdk_date(time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes_ago));
        let headers = [("host".to_string(), host.clone()), ("x-sdk-date".to_string(), date.clone())];
        let signable = Signable {
            method: "GET",
            path: &path,
            query: &query,
            headers: &headers,
            payload_hash: &hex_sha256(b""),
        };
        let authorization = signable.authorization(
            "SPDEMOAKOPERATOR0001",
            &cloud::Secret::new("spDemoSecretKeyForOperator00000000000001"),
            &date,
        );
        reqwest::Client::new()
            .get(format!("{}{path}?task_type=cluster_scan", emu.base_url()))
            .header("x-sdk-date", date)
            .header("authorization", authorization)
            .send()
    };
    assert_eq!(send(14).await.unwrap().status(), 200, "within the window");
    let late = send(16).await.unwrap();
    assert_eq!(late.status(), 401);
    let body: serde_json::Value = late.json().await.unwrap();
    assert_eq!(body["error_code"], "APIGW.0301");
    assert!(body["error_msg"].as_str().unwrap().contains("15 minutes"), "{body}");
}
