//! Sign-in, sessions and request guards, through the real axum router.

use crate::common::*;
use axum::http::StatusCode;
use base64::Engine;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_sets_a_strict_http_only_secure_cookie_and_lands_home() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let a = send(r, post_form("/api/auth/login", &[OPERATOR, &[("next", "/somewhere?x=1")]].concat(), None))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("/somewhere?x=1"), "returns the same-site next: {}", a.body);

    let line = a.session_cookie_line().unwrap();
    assert!(line.starts_with("__Host-secportal_session="), "a __Host- cookie when Secure: {line}");
    let attrs: Vec<String> = line.split(';').map(|s| s.trim().to_ascii_lowercase()).collect();
    for want in ["httponly", "secure", "samesite=strict", "path=/"] {
        assert!(attrs.iter().any(|a| a == want), "cookie lacks {want}: {line}");
    }
    assert!(!attrs.iter().any(|a| a.starts_with("domain")), "no Domain attribute: {line}");
    let id = a.session_cookie().unwrap().split_once('=').unwrap().1.to_string();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&id).expect("opaque base64 id");
    assert!(raw.len() * 8 >= 128, "at least 128 random bits, got {}", raw.len() * 8);

    let cookie = a.session_cookie().unwrap();
    let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::OK);
    // The idle timeout rolls, moved at most once a minute: a read just after sign-in writes
    // nothing; once the clock last moved a minute ago, the next answer renews the cookie for
    // another 30 minutes.
    assert!(me.session_cookie_line().is_none(), "a read within the minute writes no session");
    sqlx::query("UPDATE sessions SET data = json_set(data, '$.seen', 0)")
        .execute(p.built.storage.sqlite())
        .await
        .unwrap();
    let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::OK);
    let renewed = me.session_cookie_line().expect("activity renews the session cookie");
    let max_age: i64 = renewed
        .split(';')
        .find_map(|a| a.trim().strip_prefix("Max-Age="))
        .expect("a Max-Age")
        .parse()
        .unwrap();
    assert!((1790..=1800).contains(&max_age), "{renewed}");
    assert!(
        me.body.contains("\"user\":\"operator\"") && me.body.contains("\"project_name\":\"cn-north-4\""),
        "{}",
        me.body
    );

    let home = send(r, get("/", Some(&cookie))).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("operator") && home.body.contains("Sign out"), "{}", home.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrong_credentials_get_one_vague_401_and_no_session() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    for form in [
        [("domain", "secportal-demo"), ("user", "operator"), ("password", "wrong"), ("region", "cn-north-4")],
        [
            ("domain", "secportal-demo"),
            ("user", "nobody"),
            ("password", "operator-pass-1"),
            ("region", "cn-north-4"),
        ],
        [
            ("domain", "other"),
            ("user", "operator"),
            ("password", "operator-pass-1"),
            ("region", "cn-north-4"),
        ],
    ] {
        let a = send(r, post_form("/api/auth/login", &form, None)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert!(a.body.contains("\"kind\":\"BadCredentials\""), "{}", a.body);
        assert!(a.body.contains("Sign-in failed."), "{}", a.body);
        assert!(a.session_cookie().is_none());
    }
    // Bad input names the field.
    let a = send(
        r,
        post_form(
            "/api/auth/login",
            &[("domain", "x"), ("user", ""), ("password", "p"), ("region", "cn-north-4")],
            None,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("\"field\":\"user\""), "{}", a.body);
    let a = send(
        r,
        post_form(
            "/api/auth/login",
            &[("domain", "x"), ("user", "u"), ("password", "p"), ("region", "mars-1")],
            None,
        ),
    )
    .await;
    assert!(a.body.contains("\"field\":\"region\""), "{}", a.body);
    // A missing field is a 400, not a 500.
    let a = send(r, post_form("/api/auth/login", &[("domain", "x")], None)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn session_id_changes_at_sign_in() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let first = sign_in(r).await;
    // Signing in again over an existing session must not keep its id (fixation).
    let a = send(r, post_form("/api/auth/login", OPERATOR, Some(&first))).await;
    let second = a.session_cookie().unwrap();
    assert_ne!(first, second);
    let old = send(r, post_form("/api/auth/whoami", &[], Some(&first))).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the pre-sign-in id is dead");
    // A planted, never-issued id is replaced too.
    let planted = "__Host-secportal_session=AAAAAAAAAAAAAAAAAAAAAA";
    let a = send(r, post_form("/api/auth/login", OPERATOR, Some(planted))).await;
    assert_ne!(a.session_cookie().unwrap(), planted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signed_out_cookie_is_dead() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let out = send(r, post_form("/api/auth/logout", &[], Some(&cookie))).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let removal = out.session_cookie_line().expect("logout expires the cookie");
    assert!(removal.to_ascii_lowercase().contains("max-age=0"), "{removal}");

    let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert!(me.body.contains("\"kind\":\"SignedOut\""), "{}", me.body);
    let page = send(r, get("/", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cross_site_posts_are_refused_before_any_handler() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let mut req = post_form("/api/auth/logout", &[], Some(&cookie));
    req.headers_mut().insert("origin", "http://evil.test".parse().unwrap());
    let a = send(r, req).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let mut req = post_form("/api/auth/logout", &[], Some(&cookie));
    req.headers_mut().remove("origin");
    req.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(r, req).await.status, StatusCode::FORBIDDEN);
    // The session survived both attempts.
    let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::OK);
    // A cross-site sign-in is refused too (login CSRF).
    let mut req = post_form("/api/auth/login", OPERATOR, None);
    req.headers_mut().insert("origin", "https://evil.test".parse().unwrap());
    let a = send(r, req).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.session_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn protected_pages_redirect_to_login_with_next() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let a = send(r, get("/", None)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), Some("/login?next=/"));
    let a = send(r, get("/exports?kind=hss&x=1", None)).await;
    assert_eq!(a.location(), Some("/login?next=/exports%3Fkind%3Dhss%26x%3D1"));
    // A dotted name below the root is a page, not a static file (review L12).
    let a = send(r, get("/masking/a.b", None)).await;
    assert_eq!((a.status, a.location()), (StatusCode::SEE_OTHER, Some("/login?next=/masking/a.b")));
    let login = send(r, get("/login", None)).await;
    assert_eq!(login.status, StatusCode::OK);
    for label in ["Account name", "IAM user name", "Password", "Region", "Sign in", "Sign in with a token"] {
        assert!(login.body.contains(label), "login page shows {label}");
    }
    assert!(login.body.contains("operator-pass-1"), "demo mode shows the demo credentials");
    // Signed in, /login forwards to a safe next only.
    let cookie = sign_in(r).await;
    let a = send(r, get("/login?next=//evil.test", Some(&cookie))).await;
    assert_eq!(a.location(), Some("/"));
    let a = send(r, get("/login?next=/x", Some(&cookie))).await;
    assert_eq!(a.location(), Some("/x"));
    // Unknown pages are a real 404 for signed-in users.
    assert_eq!(send(r, get("/no-such-page", Some(&cookie))).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_token_never_leaves_the_server() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let mut bodies = Vec::new();
    let a = send(r, post_form("/api/auth/login", OPERATOR, None)).await;
    let cookie = a.session_cookie().unwrap();
    bodies.push((a.body.clone(), format!("{:?}", a.headers)));
    for req in [get("/", Some(&cookie)), get("/login", None), get("/no-such", Some(&cookie))] {
        let a = send(r, req).await;
        bodies.push((a.body, format!("{:?}", a.headers)));
    }
    let a = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    bodies.push((a.body, format!("{:?}", a.headers)));

    let tokens = p.emulator().issued_tokens();
    assert_eq!(tokens.len(), 1);
    let token = &tokens[0];
    for (body, headers) in &bodies {
        assert!(!body.contains(&token[..64]) && !headers.contains(&token[..64]), "token leaked");
    }
    // Nor is it stored in the clear.
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT data FROM sessions").fetch_all(p.built.storage.sqlite()).await.unwrap();
    assert!(!rows.is_empty());
    for data in rows {
        assert!(!data.contains(&token[..64]), "token stored unsealed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_sign_in_checks_the_token_with_iam() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let a = send(
        r,
        post_form("/api/auth/login_token", &[("token", "MIIforged"), ("region", "cn-north-4")], None),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert!(a.session_cookie().is_none());

    let emu = p.built.emulator.as_ref().unwrap();
    let client = cloud::CloudClient::new(
        cloud::Endpoints::single(emu.base_url().parse().unwrap()),
        cloud::ClientConfig::default(),
    )
    .unwrap();
    let issued = client
        .iam_password_token(&cloud::iam::PasswordLogin {
            domain: "secportal-demo".into(),
            user: "auditor".into(),
            password: cloud::Secret::new("auditor-pass-1"),
            project_name: "ap-southeast-1".into(),
            mfa: None,
        })
        .await
        .unwrap();
    let a = send(
        r,
        post_form(
            "/api/auth/login_token",
            &[("token", issued.token.expose()), ("region", "ap-southeast-1")],
            None,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let me = send(r, post_form("/api/auth/whoami", &[], Some(&a.session_cookie().unwrap()))).await;
    assert!(me.body.contains("\"user\":\"auditor\"") && me.body.contains("ap-southeast-1"), "{}", me.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn session_ends_with_its_token() {
    // A standalone emulator whose tokens live two seconds.
    let emu = emulator::spawn(
        "127.0.0.1:0".parse().unwrap(),
        emulator::Config { token_ttl: std::time::Duration::from_secs(2), ..emulator::Config::default() },
    )
    .await
    .unwrap();
    let url = emu.base_url();
    let p = portal(&["--cloud", &url]).await;
    let r = &p.built.router;
    let login = send(r, get("/login", None)).await;
    assert!(!login.body.contains("operator-pass-1"), "demo credentials only in demo mode");
    let cookie = sign_in(r).await;
    assert_eq!(send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(
        send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn health_and_readiness() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    assert_eq!(send(r, get("/healthz", None)).await.status, StatusCode::OK);
    assert_eq!(send(r, get("/readyz", None)).await.status, StatusCode::OK);
    let page = send(r, get("/login", None)).await;
    // The page's policy allows exactly the inline scripts that carry its nonce.
    let csp = page.headers.get("content-security-policy").unwrap().to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce");
    assert!(nonce.len() >= 16, "{csp}");
    let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!scripts.contains("unsafe-inline"), "no inline script without the nonce: {csp}");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");
    let again = send(r, get("/login", None)).await;
    assert!(
        !again.headers.get("content-security-policy").unwrap().to_str().unwrap().contains(nonce),
        "fresh per page"
    );
    assert_eq!(page.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(page.headers.get("x-request-id").is_some());
    p.built.storage.sqlite().close().await;
    assert_eq!(send(r, get("/readyz", None)).await.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_out_holds_with_a_request_in_flight_and_reads_write_no_session() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let cookie = sign_in(r).await;
    let expiry = || async {
        let rows: Vec<i64> = sqlx::query_scalar("SELECT expiry_date FROM sessions")
            .fetch_all(p.built.storage.sqlite())
            .await
            .unwrap();
        rows
    };
    let before = expiry().await;
    assert_eq!(before.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    for _ in 0..5 {
        let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
        assert_eq!(me.status, StatusCode::OK);
        call_form(r, "/api/exports/history", &[], &cookie).await;
    }
    assert_eq!(expiry().await, before, "reading pages and lists wrote no session");

    // A slow request still in flight while the user signs out must not bring the session back.
    let rule = serde_json::json!({"service": "hss", "operation": "/kubernetes/clusters", "latency_ms": 2_000, "times": 1});
    p.emulator().add_fault(serde_json::from_value(rule).unwrap());
    let slow = {
        let (r, cookie) = (r.clone(), cookie.clone());
        tokio::spawn(async move {
            call_form(&r, "/api/scans/clusters", &[("offset", "0"), ("refresh", "true")], &cookie).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let out = send(r, post_form("/api/auth/logout", &[], Some(&cookie))).await;
    assert_eq!(out.status, StatusCode::OK);
    let (status, _) = slow.await.unwrap();
    assert_eq!(status, StatusCode::OK, "the slow request itself still answers");
    let me = send(r, post_form("/api/auth/whoami", &[], Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "the signed-out cookie stays dead: {}", me.body);
    assert!(expiry().await.is_empty(), "no session row came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn strict_headers_and_server_made_request_ids() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let mut req = get("/login", None);
    req.headers_mut().insert(
        "x-request-id",
        "forged\r\nline".parse().unwrap_or(axum::http::HeaderValue::from_static("forged")),
    );
    let a = send(r, req).await;
    let csp = a.headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(a.headers["cross-origin-resource-policy"], "same-origin");
    assert!(a.headers.get("strict-transport-security").is_none(), "no HSTS without an https origin");
    let id = a.headers["x-request-id"].to_str().unwrap();
    assert_ne!(id, "forged", "the server makes its own request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let p = portal(&["--public-origin", "https://secportal.example.com"]).await;
    let mut req = get("/healthz", None);
    req.headers_mut().insert(axum::http::header::HOST, "secportal.example.com".parse().unwrap());
    let a = send(&p.built.router, req).await;
    assert_eq!(a.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
    // DNS rebinding: a page of another name that resolves to the portal is not served.
    let mut req = get("/login", None);
    req.headers_mut().insert(axum::http::header::HOST, "rebound.evil.test".parse().unwrap());
    let a = send(&p.built.router, req).await;
    assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{}", a.body);
    assert!(a.body.contains("another host"), "{}", a.body);
    let mut req = get("/login", None);
    req.headers_mut().insert(axum::http::header::HOST, "secportal.example.com".parse().unwrap());
    assert_eq!(send(&p.built.router, req).await.status, StatusCode::OK);
    // Probes answer under any name.
    assert_eq!(send(&p.built.router, get("/readyz", None)).await.status, StatusCode::OK);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p.dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the data directory is private");
        let db = std::fs::metadata(p.dir.join("secportal.db")).unwrap().permissions().mode() & 0o777;
        assert_eq!(db, 0o600, "the database is private");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_guesses_are_throttled_before_iam() {
    let p = portal(&["--trusted-proxy-hops", "1"]).await;
    let r = &p.built.router;
    p.emulator().clear_requests();
    let wrong =
        [("domain", "secportal-demo"), ("user", "auditor"), ("password", "guess"), ("region", "cn-north-4")];
    let mut throttled = 0;
    for i in 0..50 {
        let mut req = post_form("/api/auth/login", &wrong, None);
        // The proxy's entry is trusted; the client's own claim before it is not.
        let forwarded = format!("10.9.9.{i}, 203.0.113.7");
        req.headers_mut().insert("x-forwarded-for", forwarded.parse().unwrap());
        let a = send(r, req).await;
        match a.status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                throttled += 1;
                let after: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=60).contains(&after), "Retry-After: {after}");
            }
            other => panic!("{other}: {}", a.body),
        }
    }
    let reached = p.emulator().requests().iter().filter(|q| q.path.starts_with("/v3/auth/tokens")).count();
    println!("50 wrong passwords from one address: {reached} reached IAM, {throttled} answered 429");
    assert!(reached <= 10, "{reached} tries reached IAM");
    assert_eq!(reached + throttled, 50);

    // One account from many addresses is held back too.
    let mut last = StatusCode::OK;
    for i in 0..11 {
        let mut req = post_form(
            "/api/auth/login",
            &[("domain", "secportal-demo"), ("user", "team05"), ("password", "x"), ("region", "cn-north-4")],
            None,
        );
        req.headers_mut().insert("x-forwarded-for", format!("198.51.100.{i}").parse().unwrap());
        last = send(r, req).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "the 11th try for one account");

    // Token sign-ins name no account: only each address counts, not one key for everyone.
    for i in 0..12 {
        let mut req =
            post_form("/api/auth/login_token", &[("token", "MIIforged"), ("region", "cn-north-4")], None);
        req.headers_mut().insert("x-forwarded-for", format!("192.0.2.{i}").parse().unwrap());
        let a = send(r, req).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "token try {i} from its own address: {}", a.body);
    }
}

/// A token straight from the emulator's IAM, with or without a passcode.
async fn emulator_token(p: &Portal, user: &str, password: &str, mfa: Option<&str>) -> String {
    let emu = p.built.emulator.as_ref().unwrap();
    let client = cloud::CloudClient::new(
        cloud::Endpoints::single(emu.base_url().parse().unwrap()),
        cloud::ClientConfig::default(),
    )
    .unwrap();
    let mfa = mfa.map(|id| cloud::iam::MfaCode {
        user_id: id.into(),
        passcode: cloud::Secret::new(emulator::DEMO_MFA_PASSCODE),
    });
    let login = cloud::iam::PasswordLogin {
        domain: "secportal-demo".into(),
        user: user.into(),
        password: cloud::Secret::new(password),
        project_name: "cn-north-4".into(),
        mfa,
    };
    client.iam_password_token(&login).await.unwrap().token.expose().to_string()
}

fn field_of(body: &str) -> String {
    let e: serde_json::Value = serde_json::from_str(body).unwrap();
    e["field"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn iam_asks_for_a_passcode_and_the_portal_asks_the_user() {
    let p = portal(&[]).await;
    let r = &p.built.router;
    let guardian = &emulator::seed::MFA_USERS[0];
    let who = [
        ("domain", "secportal-demo"),
        ("user", guardian.name),
        ("password", guardian.password),
        ("region", "cn-north-4"),
    ];
    // Password alone: IAM wants the passcode, and the answer names that field.
    let a = send(r, post_form("/api/auth/login", &who, None)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(field_of(&a.body), "passcode", "{}", a.body);
    assert!(a.body.contains("MFA"), "{}", a.body);
    assert!(a.session_cookie().is_none());
    // A malformed passcode never reaches IAM.
    let bad = [&who[..], &[("mfa_user_id", guardian.id), ("passcode", "12ab")]].concat();
    let a = send(r, post_form("/api/auth/login", &bad, None)).await;
    assert_eq!((a.status, field_of(&a.body)), (StatusCode::BAD_REQUEST, "passcode".into()), "{}", a.body);
    // A wrong one is a failed sign-in like any other.
    let wrong = [&who[..], &[("mfa_user_id", guardian.id), ("passcode", "000000")]].concat();
    let a = send(r, post_form("/api/auth/login", &wrong, None)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    // The device's passcode signs in.
    let good =
        [&who[..], &[("mfa_user_id", guardian.id), ("passcode", emulator::DEMO_MFA_PASSCODE)]].concat();
    let a = send(r, post_form("/api/auth/login", &good, None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.session_cookie().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn required_mfa_refuses_password_only_and_tokens_without_it() {
    let p = portal(&["--require-mfa", "true"]).await;
    let r = &p.built.router;
    p.emulator().clear_requests();
    // The login page tells the form to show the passcode step from the start.
    let info = send(r, post_form("/api/portal/info", &[], None)).await;
    assert!(info.body.contains("\"require_mfa\":true"), "{}", info.body);
    // Password only: refused before IAM.
    let a = send(r, post_form("/api/auth/login", OPERATOR, None)).await;
    assert_eq!((a.status, field_of(&a.body)), (StatusCode::BAD_REQUEST, "passcode".into()), "{}", a.body);
    assert!(a.session_cookie().is_none());
    let reached = p.emulator().requests().iter().filter(|q| q.path.starts_with("/v3/auth/tokens")).count();
    assert_eq!(reached, 0, "a password-only try reached IAM");
    // With the passcode: in.
    let operator = emulator::seed::user("operator").unwrap();
    let with =
        [OPERATOR, &[("mfa_user_id", operator.id), ("passcode", emulator::DEMO_MFA_PASSCODE)]].concat();
    let a = send(r, post_form("/api/auth/login", &with, None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // Tokens: only one issued with MFA is accepted.
    let plain = emulator_token(&p, "operator", "operator-pass-1", None).await;
    let a = send(r, post_form("/api/auth/login_token", &[("token", &plain), ("region", "cn-north-4")], None))
        .await;
    assert_eq!((a.status, field_of(&a.body)), (StatusCode::BAD_REQUEST, "token".into()), "{}", a.body);
    assert!(a.session_cookie().is_none());
    let strong = emulator_token(&p, "operator", "operator-pass-1", Some(operator.id)).await;
    let a =
        send(r, post_form("/api/auth/login_token", &[("token", &strong), ("region", "cn-north-4")], None))
            .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the capturing subscriber is this thread's default, and everything the request
// does runs here.
#[tokio::test(flavor = "current_thread")]
async fn a_line_break_in_a_sign_in_field_stays_one_log_line() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let c = captured.clone();
            move || c.clone()
        })
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let p = portal(&[]).await;
    let forged = "auditor\r\n2026-12-05T00:00:00.000000Z  INFO signed in user=admin";
    let fields =
        [("domain", "secportal-demo"), ("user", forged), ("password", "wrong-one"), ("region", "cn-north-4")];
    let a = send(&p.built.router, post_form("/api/auth/login", &fields, None)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let refused: Vec<&str> = text.lines().filter(|l| l.contains("sign-in refused")).collect();
    assert_eq!(refused.len(), 1, "{text}");
    assert!(refused[0].contains(r"auditor\r\n2026-12-05"), "escaped in place: {}", refused[0]);
    assert!(!text.lines().any(|l| l.starts_with("2026-12-05T00:00:00.000000Z")), "a forged line: {text}");
    assert!(!text.contains("wrong-one"), "the password was logged: {text}");
}
