//! The IAM calls of the `cloud` crate against the emulator, success and error paths.

use cloud::iam::PasswordLogin;
use cloud::{ClientConfig, CloudClient, CloudError, Endpoints, Secret};

use crate::common::setup;

fn login(user: &str, password: &str, region: &str) -> PasswordLogin {
    PasswordLogin {
        domain: "secportal-demo".into(),
        user: user.into(),
        password: Secret::new(password),
        project_name: region.into(),
        mfa: None,
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

#[tokio::test]
async fn virtual_mfa_codes_are_checked() {
    let (_emu, client) = setup().await;
    let plain = client.iam_password_token(&login("operator", "operator-pass-1", "cn-north-4")).await.unwrap();
    let user_id = plain.info.user.id.clone();
    let with = |code: &str| PasswordLogin {
        mfa: Some(cloud::iam::MfaCode { user_id: user_id.clone(), passcode: Secret::new(code) }),
        ..login("operator", "operator-pass-1", "cn-north-4")
    };
    assert!(client.iam_password_token(&with(emulator::DEMO_MFA_PASSCODE)).await.is_ok());
    assert_eq!(client.iam_password_token(&with("654321")).await.unwrap_err().status(), Some(401));
    assert!(matches!(
        client.iam_password_token(&with("12ab56")).await,
        Err(CloudError::Invalid { field: "passcode", .. })
    ));
}

#[tokio::test]
async fn a_token_can_be_rescoped_to_another_project() {
    let (_emu, client) = setup().await;
    let first = client.iam_password_token(&login("auditor", "auditor-pass-1", "cn-north-4")).await.unwrap();
    let projects = client.iam_list_projects("cn-north-4", &first.token).await.unwrap();
    let other = projects.iter().find(|p| p.name == "ap-southeast-1").unwrap();
    let second = client.iam_rescope("ap-southeast-1", &first.token, &other.id).await.unwrap();
    assert_ne!(second.token, first.token);
    assert_eq!(second.info.project.unwrap().name, "ap-southeast-1");
    assert_eq!(second.info.user.name, "auditor");
}

#[tokio::test]
async fn temporary_keys_sign_with_their_security_token() {
    let (_emu, client) = setup().await;
    let issued =
        client.iam_password_token(&login("operator", "operator-pass-1", "cn-north-4")).await.unwrap();
    let temp = client.iam_temporary_keys("cn-north-4", &issued.token, 900).await.unwrap();
    assert!(temp.keys.security_token.is_some());
    let project_id = issued.info.project.unwrap().id;
    let caller = cloud::Caller {
        region: "cn-north-4".into(),
        project_id,
        credentials: cloud::Credentials::AkSk(temp.keys.clone()),
        user: None,
    };
    let stats = client.hss_task_statistics(&caller, cloud::hss::TaskType::ClusterScan).await.unwrap();
    assert_eq!(stats.total_num, 0);
    // Without the security token the same keys are refused.
    let bare = cloud::Caller {
        credentials: cloud::Credentials::AkSk(cloud::signer::AkSk { security_token: None, ..temp.keys }),
        ..caller
    };
    let err = client.hss_task_statistics(&bare, cloud::hss::TaskType::IacScan).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(matches!(
        client.iam_temporary_keys("cn-north-4", &issued.token, 60).await,
        Err(CloudError::Invalid { field: "duration_seconds", .. })
    ));
}
