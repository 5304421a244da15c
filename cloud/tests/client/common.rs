//! An emulator on a free loopback port, a client pointed at it, and callers for the demo users.

#![allow(dead_code)]

use cloud::iam::PasswordLogin;
use cloud::signer::AkSk;
use cloud::{Caller, ClientConfig, CloudClient, Credentials, Endpoints, Secret};

pub const CN_NORTH_4: &str = "5f6a2b7c9d0e41f3a8b6c4d2e0f19a37";

pub async fn setup() -> (emulator::Running, CloudClient) {
    setup_with(emulator::Config::default()).await
}

pub async fn setup_with(config: emulator::Config) -> (emulator::Running, CloudClient) {
    let running = emulator::spawn("127.0.0.1:0".parse().unwrap(), config).await.unwrap();
    let endpoints = Endpoints::single(running.base_url().parse().unwrap());
    let client = CloudClient::new(endpoints, ClientConfig::default()).unwrap();
    (running, client)
}

pub async fn token_caller(client: &CloudClient, user: &str, password: &str) -> Caller {
    let issued = client
        .iam_password_token(&PasswordLogin {
            domain: "secportal-demo".into(),
            user: user.into(),
            password: Secret::new(password),
            project_name: "cn-north-4".into(),
            mfa: None,
        })
        .await
        .unwrap();
    Caller {
        region: "cn-north-4".into(),
        project_id: CN_NORTH_4.into(),
        credentials: Credentials::Token(issued.token),
        user: Some(format!("secportal-demo/{user}")),
    }
}

pub async fn operator(client: &CloudClient) -> Caller {
    token_caller(client, "operator", "operator-pass-1").await
}

pub async fn auditor(client: &CloudClient) -> Caller {
    token_caller(client, "auditor", "auditor-pass-1").await
}

/// The operator's demo access key pair (AK/SK signing).
pub fn operator_aksk() -> Caller {
    aksk("SPDEMOAKOPERATOR0001", "spDemoSecretKeyForOperator00000000000001")
}

pub fn aksk(ak: &str, sk: &str) -> Caller {
    Caller {
        region: "cn-north-4".into(),
        project_id: CN_NORTH_4.into(),
        credentials: Credentials::AkSk(AkSk {
            access_key: ak.into(),
            secret_key: Secret::new(sk),
            security_token: None,
        }),
        user: None,
    }
}
