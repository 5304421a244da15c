//! The official Huawei Cloud Python SDK (pinned in interop/requirements.txt, installed into
//! .tools/sdk-venv by scripts/setup.sh) calls the emulator, AK/SK-signed, and parses every answer.
//! A client nobody here wrote is the proof that the emulator speaks the real wire format.

use std::path::PathBuf;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_talks_to_the_emulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".tools/sdk-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make setup` (scripts/setup.sh creates the SDK venv)",
        python.display()
    );
    let config =
        emulator::Config { task_timing: emulator::timing::TaskTiming::AfterReads(1), ..Default::default() };
    let running = emulator::spawn("127.0.0.1:0".parse().unwrap(), config).await.unwrap();
    let script = root.join("interop/sdk_check.py");
    let url = running.base_url();
    let out = tokio::task::spawn_blocking(move || Command::new(python).arg(script).arg(url).output())
        .await
        .unwrap()
        .expect("python runs");
    let report =
        format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{report}");
    assert!(out.status.success(), "the SDK checks failed:\n{report}");
    assert!(report.contains(" passed, 0 failed"), "{report}");
}
