//! Cluster scans and IaC scans through `cloud`, against the emulator.

use crate::common::*;
use cloud::hss::*;
use cloud::CloudError;
use emulator::timing::TaskTiming;

fn immediate() -> emulator::Config {
    emulator::Config { task_timing: TaskTiming::Immediate, ..Default::default() }
}

fn cluster_scan(range_type: RangeType, ids: Vec<String>) -> NewTask {
    NewTask::ClusterScan {
        cluster_scan_info: ClusterScanInfo {
            scan_type_list: vec![ScanType::ClusterVul, ScanType::Benchmark],
            range_type,
            cluster_id_list: ids,
        },
    }
}

async fn clusters(client: &cloud::CloudClient, caller: &cloud::Caller) -> Vec<Cluster> {
    let q = ClusterQuery { limit: 200, ..Default::default() };
    client.hss_list_clusters(caller, &q).await.unwrap().cluster_info_list
}

fn scannable(c: &Cluster) -> bool {
    c.status == "Available" && c.agent_ds_install_status == "Installed" && c.agent_install_failed_num == 0
}

async fn the_task(client: &cloud::CloudClient, caller: &cloud::Caller, kind: TaskType, id: &str) -> Task {
    let q = TaskQuery { task_id: Some(id.to_string()), ..TaskQuery::new(kind) };
    let list = client.hss_list_tasks(caller, &q).await.unwrap();
    assert_eq!(list.total_num, 1);
    list.data_list.into_iter().next().unwrap()
}

#[tokio::test]
async fn cluster_scan_on_two_chosen_clusters_finishes() {
    let (_emu, client) = setup_with(immediate()).await;
    for caller in [operator(&client).await, operator_aksk()] {
        let ids: Vec<String> = clusters(&client, &caller)
            .await
            .iter()
            .filter(|c| scannable(c))
            .take(2)
            .map(|c| c.cluster_id.clone())
            .collect();
        assert_eq!(ids.len(), 2);
        let created = client
            .hss_create_task(&caller, &cluster_scan(RangeType::SpecificCluster, ids.clone()))
            .await
            .unwrap();
        let task = the_task(&client, &caller, TaskType::ClusterScan, &created.task_id).await;
        assert_eq!(task.task_status, TaskStatus::Finished);
        let info = task.cluster_scan_info.unwrap();
        assert_eq!((info.success_cluster_num, info.failed_cluster_num), (2, 0));
        assert_eq!(info.scan_type_list, vec![ScanType::ClusterVul, ScanType::Benchmark]);
        let res =
            client.hss_task_resources(&caller, TaskType::ClusterScan, &created.task_id, 0, 10).await.unwrap();
        let got: Vec<_> = res.cluster_scan_data_list.iter().map(|c| c.cluster_id.clone()).collect();
        assert_eq!(got, ids);
        assert!(res.cluster_scan_data_list.iter().all(|c| c.scan_status == ItemStatus::Success));
    }
    let stats = client.hss_task_statistics(&operator_aksk(), TaskType::ClusterScan).await.unwrap();
    assert_eq!((stats.total_num, stats.running_num), (2, 0));
    assert!(stats.last_task_start_time > 0);
}

#[tokio::test]
async fn a_failed_cluster_can_be_retried() {
    let (_emu, client) = setup_with(immediate()).await;
    let caller = operator_aksk();
    let all = clusters(&client, &caller).await;
    let flaky =
        all.iter().find(|c| c.status == "Available" && c.agent_install_failed_num > 0).expect("seeded");
    let good = all.iter().find(|c| scannable(c)).unwrap();
    let ids = vec![flaky.cluster_id.clone(), good.cluster_id.clone()];
    let created =
        client.hss_create_task(&caller, &cluster_scan(RangeType::SpecificCluster, ids)).await.unwrap();
    let res =
        client.hss_task_resources(&caller, TaskType::ClusterScan, &created.task_id, 0, 10).await.unwrap();
    let failed = res.cluster_scan_data_list.iter().find(|c| c.cluster_id == flaky.cluster_id).unwrap();
    assert_eq!(failed.scan_status, ItemStatus::Failed);
    assert!(failed.scan_detail_list.iter().all(|d| d.failed_reason == "scan job timed out"));

    let retry = Retry {
        range_type: RetryRange::SpecificCluster,
        cluster_info_list: vec![RetryCluster {
            cluster_id: flaky.cluster_id.clone(),
            scan_type_list: vec![],
        }],
    };
    client.hss_retry_task(&caller, &created.task_id, &retry).await.unwrap();
    let task = the_task(&client, &caller, TaskType::ClusterScan, &created.task_id).await;
    let info = task.cluster_scan_info.unwrap();
    assert_eq!((info.success_cluster_num, info.failed_cluster_num), (2, 0));

    // Nothing left to retry now.
    let again = Retry { range_type: RetryRange::AllFailedCluster, cluster_info_list: vec![] };
    let err = client.hss_retry_task(&caller, &created.task_id, &again).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn tasks_run_until_read_enough_times() {
    let (_emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::AfterReads(3), ..Default::default() }).await;
    let caller = operator_aksk();
    let created =
        client.hss_create_task(&caller, &cluster_scan(RangeType::AllCluster, vec![])).await.unwrap();
    let first = the_task(&client, &caller, TaskType::ClusterScan, &created.task_id).await;
    assert_eq!(first.task_status, TaskStatus::Running);
    assert!(first.cluster_scan_info.unwrap().scanning_cluster_num > 0);
    assert_eq!(
        the_task(&client, &caller, TaskType::ClusterScan, &created.task_id).await.task_status,
        TaskStatus::Running
    );
    let done = the_task(&client, &caller, TaskType::ClusterScan, &created.task_id).await;
    assert_eq!(done.task_status, TaskStatus::Finished);
    let info = done.cluster_scan_info.unwrap();
    assert!(info.failed_cluster_num > 0, "all_cluster covers clusters whose agent is missing");
}

#[tokio::test]
async fn conditional_rules_are_checked_on_both_sides() {
    let (emu, client) = setup_with(immediate()).await;
    let caller = operator_aksk();
    let err =
        client.hss_create_task(&caller, &cluster_scan(RangeType::SpecificCluster, vec![])).await.unwrap_err();
    assert!(matches!(err, CloudError::Invalid { field: "cluster_id_list", .. }), "{err:?}");
    let no_types = NewTask::ClusterScan {
        cluster_scan_info: ClusterScanInfo {
            scan_type_list: vec![],
            range_type: RangeType::AllCluster,
            cluster_id_list: vec![],
        },
    };
    assert!(matches!(
        client.hss_create_task(&caller, &no_types).await,
        Err(CloudError::Invalid { field: "scan_type_list", .. })
    ));
    let no_files = NewTask::IacScan {
        iac_scan_info: IacScanInfo { file_type: IacFileType::Dockerfile, file_id_list: vec![] },
    };
    assert!(matches!(
        client.hss_create_task(&caller, &no_files).await,
        Err(CloudError::Invalid { field: "file_id_list", .. })
    ));

    // The emulator applies the same rules to a client that does not check.
    let token = match operator(&client).await.credentials {
        cloud::Credentials::Token(t) => t,
        _ => unreachable!(),
    };
    let http = reqwest::Client::new();
    for (body, word) in [
        (
            serde_json::json!({"task_type": "cluster_scan", "cluster_scan_info": {"scan_type_list": ["cluster_vul"], "range_type": "specific_cluster"}}),
            "cluster_id_list",
        ),
        (
            serde_json::json!({"task_type": "cluster_scan", "cluster_scan_info": {"scan_type_list": [], "range_type": "all_cluster"}}),
            "scan_type_list",
        ),
        (serde_json::json!({"task_type": "cluster_scan"}), "cluster_scan_info"),
        (serde_json::json!({"task_type": "nope"}), "task_type"),
    ] {
        let resp = http
            .post(format!("{}/v5/{CN_NORTH_4}/common/task", emu.base_url()))
            .header("X-Auth-Token", token.expose())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(v["error_code"], "HSS.0001");
        assert!(v["error_msg"].as_str().unwrap().contains(word), "{v}");
    }
}

#[tokio::test]
async fn the_auditor_may_read_but_not_create() {
    let (_emu, client) = setup_with(immediate()).await;
    let auditor = auditor(&client).await;
    assert!(client.hss_task_statistics(&auditor, TaskType::IacScan).await.is_ok());
    let err =
        client.hss_create_task(&auditor, &cluster_scan(RangeType::AllCluster, vec![])).await.unwrap_err();
    match err {
        CloudError::Api { status, code, .. } => assert_eq!((status, code.as_str()), (403, "HSS.0013")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn unknown_tasks_are_hss_0011() {
    let (_emu, client) = setup_with(immediate()).await;
    let err = client
        .hss_task_resources(&operator_aksk(), TaskType::ClusterScan, "no-such-task", 0, 10)
        .await
        .unwrap_err();
    match err {
        CloudError::Api { status, code, .. } => assert_eq!((status, code.as_str()), (400, "HSS.0011")),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        client.hss_task_resources(&operator_aksk(), TaskType::ClusterScan, "../../etc", 0, 10).await,
        Err(CloudError::Invalid { field: "task_id", .. })
    ));
}

#[tokio::test]
async fn iac_upload_then_scan() {
    let (_emu, client) = setup_with(immediate()).await;
    // AK/SK over multipart: the body is not hashed (UNSIGNED-PAYLOAD), as the SDKs do.
    for caller in [operator_aksk(), operator(&client).await] {
        let files = vec![
            UploadFile { file_name: "Dockerfile".into(), content: b"FROM alpine:3.20\nUSER root\n".to_vec() },
            UploadFile { file_name: "api.Dockerfile".into(), content: b"FROM debian:12\n".to_vec() },
        ];
        let uploaded = client.hss_upload_iac_files(&caller, IacFileType::Dockerfile, files).await.unwrap();
        assert_eq!(uploaded.len(), 2);
        assert_eq!(uploaded[0].file_size, 27);
        let ids: Vec<String> = uploaded.iter().map(|f| f.file_id.clone()).collect();
        let task = NewTask::IacScan {
            iac_scan_info: IacScanInfo { file_type: IacFileType::Dockerfile, file_id_list: ids },
        };
        let created = client.hss_create_task(&caller, &task).await.unwrap();
        let res =
            client.hss_task_resources(&caller, TaskType::IacScan, &created.task_id, 0, 10).await.unwrap();
        let names: Vec<_> = res.iac_scan_data_list.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names, ["Dockerfile", "api.Dockerfile"]);
        // Files are scanned as the type they were uploaded as: Dockerfiles are not YAML.
        let task = NewTask::IacScan {
            iac_scan_info: IacScanInfo {
                file_type: IacFileType::K8sYaml,
                file_id_list: vec![uploaded[0].file_id.clone()],
            },
        };
        match client.hss_create_task(&caller, &task).await.unwrap_err() {
            CloudError::Api { status, code, message, .. } => {
                assert_eq!((status, code.as_str()), (400, "HSS.0001"));
                assert!(message.contains("uploaded as dockerfile"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let q = IacFileQuery {
        offset: 0,
        limit: 10,
        scan_type: IacScanSource::ManualScan,
        file_name: None,
        file_type: None,
    };
    let list = client.hss_list_iac_files(&operator_aksk(), &q).await.unwrap();
    assert_eq!(list.total_num, 4);

    let too_big = vec![UploadFile { file_name: "big.yaml".into(), content: vec![b'a'; MAX_FILE_BYTES + 1] }];
    assert!(matches!(
        client.hss_upload_iac_files(&operator_aksk(), IacFileType::K8sYaml, too_big).await,
        Err(CloudError::Invalid { field: "file", .. })
    ));
}
