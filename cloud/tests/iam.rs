//! The IAM calls of the `cloud` crate against the emulator, success and error paths.

use cloud::iam::PasswordLogin;
use cloud::{ClientConfig, CloudClient, CloudError, Endpoints, Secret};

mod common;
use common::setup;

fn login(user: &str, password: &str, region: &str) -> PasswordLogin {
    PasswordLogin {
        domain: "secportal-demo".into(),
        user: user.into(),
        password: Secret::new(password),
        project_name: region.into(),
    }
}

#[tokio::test]
async fn password_token_then_validate_and_list_projects() {
    let (_emu, client) = setup().await;
    let issued =
        client.iam_password_token(&login("operator", "operator-pass-1", "cn-north-4")).await.unwrap();
    assert!(issued.token.expose().len() > 2000, "tokens are long like real ones");
    let project = issued.info.project.as_ref().unwrap();
    assert_eq!(project.name, "cn-north-4");
    assert_eq!(project.id.len(), 32);
    assert_eq!(issued.info.user.name, "operator");
    assert_eq!(issued.info.user.domain.name, "secportal-demo");
    let lifetime = issued.info.expires_at - issued.info.issued_at;
    assert_eq!(lifetime.whole_hours(), 24);

    let info = client.iam_validate_token("cn-north-4", &issued.token).await.unwrap();
    assert_eq!(info, issued.info);

    let projects = client.iam_list_projects("cn-north-4", &issued.token).await.unwrap();
    let names: Vec<_> = projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["cn-north-4", "ap-southeast-1"]);
}

#[tokio::test]
async fn wrong_password_is_a_keystone_401() {
    let (_emu, client) = setup().await;
    let err = client.iam_password_token(&login("operator", "nope", "cn-north-4")).await.unwrap_err();
    match err {
        CloudError::Api { status, code, message, .. } => {
            assert_eq!(status, 401);
            assert_eq!(code, "401");
            assert!(message.contains("username or password"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn unknown_token_is_refused_and_bad_input_never_leaves() {
    let (_emu, client) = setup().await;
    let err = client.iam_validate_token("cn-north-4", &Secret::new("MIIforged")).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.request_id().is_some(), "errors keep the request id");

    let err = client.iam_password_token(&login("", "x", "cn-north-4")).await.unwrap_err();
    assert!(matches!(err, CloudError::Invalid { field: "user", .. }), "{err:?}");
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let running = emulator::spawn(
        "127.0.0.1:0".parse().unwrap(),
        emulator::Config { token_ttl: std::time::Duration::from_millis(50), ..emulator::Config::default() },
    )
    .await
    .unwrap();
    let client =
        CloudClient::new(Endpoints::single(running.base_url().parse().unwrap()), ClientConfig::default())
            .unwrap();
    let issued =
        client.iam_password_token(&login("auditor", "auditor-pass-1", "ap-southeast-1")).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let err = client.iam_list_projects("ap-southeast-1", &issued.token).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
}
