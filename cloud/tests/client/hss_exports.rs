//! Container and local-image vulnerability exports through `cloud`, against the emulator:
//! create, follow, download, and read the CSV inside the ZIP.

use crate::common::*;
use cloud::hss::*;
use cloud::CloudError;
use emulator::timing::TaskTiming;
use futures_util::StreamExt;

async fn download_all(
    client: &cloud::CloudClient,
    caller: &cloud::Caller,
    file_id: &str,
) -> (Option<String>, Vec<u8>) {
    let mut d = client.hss_download(caller, file_id).await.unwrap();
    let mut out = Vec::new();
    while let Some(chunk) = d.body.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    (d.file_name, out)
}

/// The single CSV inside a stored ZIP, as lines (a test-side reader written from the format).
fn csv_lines(zip: &[u8]) -> Vec<String> {
    assert_eq!(&zip[..4], b"PK\x03\x04");
    let name_len = u16::from_le_bytes([zip[26], zip[27]]) as usize;
    let size = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
    let start = 30 + name_len;
    let text = String::from_utf8(zip[start..start + size].to_vec()).unwrap();
    text.trim_start_matches('\u{feff}').lines().map(str::to_string).collect()
}

#[tokio::test]
async fn container_export_with_chosen_renamed_reordered_columns() {
    let (emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::AfterReads(2), ..Default::default() }).await;
    let caller = operator_aksk();
    let export = ContainerExport {
        export_size: Some(25),
        export_headers: vec![
            (ExportHeaderKey::Status, "State".into()),
            (ExportHeaderKey::ContainerName, "Container, name".into()),
            (ExportHeaderKey::ClusterName, "Cluster".into()),
        ],
        cluster_container: Some(true),
        status: Some(ContainerStatus::Running),
        ..Default::default()
    };
    let task = client.hss_export_containers(&caller, &export).await.unwrap();
    let first = client.hss_export_status(&caller, &task.task_id).await.unwrap();
    assert_eq!(first.task_status, ExportTaskStatus::Running);
    assert!(first.file_id.is_none());
    let done = client.hss_export_status(&caller, &task.task_id).await.unwrap();
    assert_eq!(done.task_status, ExportTaskStatus::Success);
    let (name, bytes) = download_all(&client, &caller, done.file_id.as_deref().unwrap()).await;
    assert_eq!(name, done.file_name);
    let lines = csv_lines(&bytes);
    assert_eq!(lines[0], "State,\"Container, name\",Cluster");
    let expected = emu
        .emulator
        .data()
        .containers
        .iter()
        .filter(|c| c.status == "Running" && !c.cluster_name.is_empty())
        .count()
        .min(25);
    assert_eq!(lines.len() - 1, expected);
    assert!(lines[1..].iter().all(|l| l.starts_with("Running,")));
}

#[tokio::test]
async fn vulnerabilities_of_two_chosen_images() {
    let (emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::Immediate, ..Default::default() }).await;
    let caller = operator(&client).await;
    let q = LocalImageQuery { limit: 50, has_vul: Some(true), ..Default::default() };
    let images = client.hss_list_local_images(&caller, &q).await.unwrap();
    assert!(images.total_num >= 2);
    let chosen: Vec<String> = images.data_list.iter().take(2).map(|i| i.image_id.clone()).collect();
    let export = LocalVulExport { export_size: 1000, image_id_list: chosen.clone(), ..Default::default() };
    let started = client.hss_export_local_vulnerabilities(&caller, &export).await.unwrap();
    let want: usize = emu
        .emulator
        .data()
        .images
        .iter()
        .filter(|i| chosen.contains(&i.image_id))
        .map(|i| i.vulnerabilities.len())
        .sum();
    assert_eq!(started.record_total_num as usize, want);
    let state = client.hss_export_status(&caller, &started.task_id).await.unwrap();
    let (_, bytes) = download_all(&client, &caller, state.file_id.as_deref().unwrap()).await;
    let lines = csv_lines(&bytes);
    assert!(lines[0].starts_with("Image name,Image version,Image ID,Vulnerability ID"));
    assert_eq!(lines.len() - 1, want);
}

#[tokio::test]
async fn failures_and_errors() {
    let (emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::Immediate, ..Default::default() }).await;
    let caller = operator_aksk();
    emu.emulator.fail_next_exports(1);
    let export = ContainerExport {
        export_headers: vec![(ExportHeaderKey::ContainerId, "Id".into())],
        ..Default::default()
    };
    let task = client.hss_export_containers(&caller, &export).await.unwrap();
    let state = client.hss_export_status(&caller, &task.task_id).await.unwrap();
    assert_eq!(state.task_status, ExportTaskStatus::Failure);
    assert!(state.file_id.is_none());

    // Unknown task and file ids are HSS.0011 (400), not 404.
    for err in [
        client.hss_export_status(&caller, "0000").await.unwrap_err(),
        client.hss_download(&caller, "0000").await.err().unwrap(),
    ] {
        match err {
            CloudError::Api { status, code, .. } => assert_eq!((status, code.as_str()), (400, "HSS.0011")),
            other => panic!("unexpected {other:?}"),
        }
    }
    // The auditor may not export.
    let err = client.hss_export_containers(&auditor(&client).await, &export).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    // Bounds are refused before leaving.
    let none = LocalVulExport { export_size: 10, ..Default::default() };
    assert!(matches!(
        client.hss_export_local_vulnerabilities(&caller, &none).await,
        Err(CloudError::Invalid { field: "image_id_list", .. })
    ));
}
