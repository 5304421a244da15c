//! HSS's 5 calls per user per API per minute: the client holds back and says how long to wait;
//! the emulator answers APIGW.0308 to a client that does not.

use crate::common::*;
use cloud::hss::{ClusterScanInfo, NewTask, RangeType, ScanType, TaskType};
use cloud::{ClientConfig, CloudClient, CloudError, Endpoints};

#[tokio::test]
async fn the_client_limiter_reports_the_wait() {
    let (_emu, client) = setup().await;
    let caller = operator_aksk();
    for _ in 0..5 {
        client.hss_task_statistics(&caller, TaskType::ClusterScan).await.unwrap();
    }
    match client.hss_task_statistics(&caller, TaskType::ClusterScan).await.unwrap_err() {
        CloudError::Throttled { service, retry_after } => {
            assert_eq!(service, "HSS");
            assert!(retry_after.as_secs() > 50 && retry_after.as_secs() <= 60, "{retry_after:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // Another API of the same user still has its budget.
    assert!(client.hss_list_clusters(&caller, &Default::default()).await.is_ok());
}

#[tokio::test]
async fn the_emulator_throttles_a_client_without_a_limiter() {
    let (emu, _) = setup().await;
    let unlimited = CloudClient::new(
        Endpoints::single(emu.base_url().parse().unwrap()),
        ClientConfig { hss_calls_per_minute: None, ..Default::default() },
    )
    .unwrap();
    let caller = operator_aksk();
    let task = NewTask::ClusterScan {
        cluster_scan_info: ClusterScanInfo {
            scan_type_list: vec![ScanType::Benchmark],
            range_type: RangeType::AllCluster,
            cluster_id_list: vec![],
        },
    };
    for _ in 0..5 {
        unlimited.hss_create_task(&caller, &task).await.unwrap();
    }
    match unlimited.hss_create_task(&caller, &task).await.unwrap_err() {
        CloudError::Api { status, code, message, .. } => {
            assert_eq!((status, code.as_str()), (429, "APIGW.0308"));
            assert!(message.contains("limit:5,time:1 minute"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // Off for demos.
    emu.emulator.set_rate_limit(None);
    unlimited.hss_create_task(&caller, &task).await.unwrap();
}
