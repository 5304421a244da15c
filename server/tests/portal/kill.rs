//! The server process killed (SIGKILL) after the cloud created a task and before the portal
//! wrote the cloud's id into its row, 20 times over one data directory: after a restart every
//! task the cloud made is in the history exactly once.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use emulator::timing::TaskTiming;
use serde_json::json;

const RUNS: usize = 20;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the real server binary on the shared data directory and waits (bounded) until it
/// answers.
async fn start(cloud: &str, dir: &std::path::Path, http: &reqwest::Client) -> Server {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_secportal"))
        .args(["--cloud", cloud, "--data-dir", dir.to_str().unwrap(), "--addr", &addr])
        .args([
            "--tracker-spacing-ms",
            "100",
            "--tracker-min-interval-ms",
            "200",
            "--hss-calls-per-minute",
            "0",
        ])
        .args(["--log", "warn"])
        .env("LEPTOS_OUTPUT_NAME", "secportal")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("LEPTOS_SITE_ADDR", &addr)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let server = Server { child, base: format!("http://{addr}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{}/healthz", server.base)).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

async fn sign_in(s: &Server, http: &reqwest::Client) -> String {
    let resp = http
        .post(format!("{}/api/auth/login", s.base))
        .header("origin", &s.base)
        .form(&[
            ("domain", "secportal-demo"),
            ("user", "operator"),
            ("password", "operator-pass-1"),
            ("region", "cn-north-4"),
        ])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let line = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    line.split(';').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_between_the_cloud_create_and_the_row_update_loses_and_doubles_nothing() {
    let cloud = emulator::spawn(([127, 0, 0, 1], 0).into(), emulator::Config::default()).await.unwrap();
    cloud.emulator.set_rate_limit_window(None, 60_000);
    cloud.emulator.set_task_timing(TaskTiming::After(Duration::from_secs(1)));
    // The cloud creates the task, then holds its answer: the kill lands in that gap.
    cloud.emulator.add_fault(
        serde_json::from_value(json!({
            "service": "hss", "operation": "/common/task", "method": "POST", "commit": true, "latency_ms": 5_000
        }))
        .unwrap(),
    );
    let url = cloud.base_url();
    let dir = std::env::temp_dir().join(format!("secportal-kill-{:x}", rand::random::<u64>()));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();

    for run in 0..RUNS {
        let server = start(&url, &dir, &http).await;
        let cookie = sign_in(&server, &http).await;
        let made_before = cloud.emulator.created().len();
        let create = http
            .post(format!("{}/api/scans/start_cluster_scan", server.base))
            .header("origin", &server.base)
            .header("cookie", &cookie)
            .json(&json!({
                "input": {"scan_types": ["cluster_vul"], "all_clusters": true, "confirmed": true},
                "idempotency_key": format!("kill-run-{run:02}-{:016x}", rand::random::<u64>()),
            }))
            .send();
        let pending = tokio::spawn(create);
        // Kill once the cloud has made the task (its answer is still held back).
        let deadline = Instant::now() + Duration::from_secs(10);
        while cloud.emulator.created().len() == made_before {
            assert!(Instant::now() < deadline, "run {run}: the cloud never saw the create");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        drop(server); // SIGKILL
        assert!(pending.await.unwrap().is_err(), "run {run}: the answer cannot have arrived");
    }

    // A last start: the rows the kills left are looked up in the cloud and followed to the end.
    cloud.emulator.clear_faults();
    let _server = start(&url, &dir, &http).await;
    let db =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("secportal.db").display())).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let rows: Vec<(String, String)> = loop {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT status, cloud_task_id FROM tasks").fetch_all(&db).await.unwrap();
        if rows.iter().all(|(status, _)| status == "success" || status == "failure") {
            break rows;
        }
        assert!(Instant::now() < deadline, "rows not final: {rows:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let made = cloud.emulator.created();
    let mut followed: HashMap<&str, usize> = HashMap::new();
    for (_, id) in &rows {
        *followed.entry(id.as_str()).or_default() += 1;
    }
    println!("kill: {RUNS} kills -> {} cloud tasks, {} rows: {followed:?}", made.len(), rows.len());
    assert_eq!(made.len(), RUNS);
    assert_eq!(rows.len(), RUNS, "one row per click");
    for m in &made {
        assert_eq!(
            followed.get(m.id.as_str()),
            Some(&1),
            "cloud task {} is in the history exactly once",
            m.id
        );
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
