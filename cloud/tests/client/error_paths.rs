//! The error path of every read not covered elsewhere: bounds refused before sending, and the
//! service's own error for what only it can know.

use crate::common::*;
use cloud::dbss::{InstanceStatus, InstanceSwitch, OnOff, RulesApi};
use cloud::dsc::ResultFilter;
use cloud::hss::{IacFileQuery, IacScanSource, LocalImageQuery, TaskQuery, TaskType};
use cloud::CloudError;

fn field(r: Result<impl std::fmt::Debug, CloudError>) -> &'static str {
    match r {
        Err(CloudError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn api(r: Result<impl std::fmt::Debug, CloudError>) -> (u16, String) {
    match r {
        Err(CloudError::Api { status, code, .. }) => (status, code),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn hss_reads() {
    let (_emu, client) = setup().await;
    let c = operator_aksk();
    let q = TaskQuery {
        start_create_time: Some(10),
        end_create_time: Some(5),
        ..TaskQuery::new(TaskType::IacScan)
    };
    assert_eq!(field(client.hss_list_tasks(&c, &q).await), "start_create_time");
    let q = TaskQuery { limit: 201, ..TaskQuery::new(TaskType::IacScan) };
    assert_eq!(field(client.hss_list_tasks(&c, &q).await), "limit");
    let q = IacFileQuery {
        offset: 0,
        limit: 5,
        scan_type: IacScanSource::ManualScan,
        file_name: None,
        file_type: None,
    };
    assert_eq!(field(client.hss_list_iac_files(&c, &q).await), "limit");
    let q = LocalImageQuery { limit: 300, ..Default::default() };
    assert_eq!(field(client.hss_list_local_images(&c, &q).await), "limit");
    let q = LocalImageQuery { image_name: Some("x".repeat(129)), ..Default::default() };
    assert_eq!(field(client.hss_list_local_images(&c, &q).await), "image_name");
    // A project the account does not have.
    let other = cloud::Caller { project_id: "0123456789abcdef0123456789abcdef".into(), ..c };
    assert_eq!(
        api(client.hss_list_local_images(&other, &LocalImageQuery::default()).await),
        (400, "HSS.0011".into())
    );
}

#[tokio::test]
async fn dbss_reads() {
    let (_emu, client) = setup().await;
    let c = operator(&client).await;
    assert_eq!(field(client.dbss_list_instances(&c, 0, 0).await), "limit");
    assert_eq!(field(client.dbss_list_rules(&c, "../x", RulesApi::New, 0, 10).await), "instance_id");
    let list = client.dbss_list_instances(&c, 0, 100).await.unwrap();
    let frozen = list.servers.iter().find(|i| i.status == Some(InstanceStatus::Frozen.into())).unwrap();
    assert_eq!(
        api(client.dbss_switch(&c, &frozen.id, InstanceSwitch::Masking).await),
        (400, "DBSS.10020021".into())
    );
    assert_eq!(
        api(client.dbss_switch(&c, "nosuchinstance", InstanceSwitch::ResultSet).await),
        (400, "DBSS.10020021".into())
    );
    let auditor = auditor(&client).await;
    let active = list.servers.iter().find(|i| i.status == Some(InstanceStatus::Active.into())).unwrap();
    assert_eq!(
        api(client.dbss_set_switch(&auditor, &active.id, InstanceSwitch::Masking, OnOff::Off).await),
        (403, "DBSS.10000002".into())
    );
}

#[tokio::test]
async fn dsc_reads() {
    let (_emu, client) = setup().await;
    let c = operator(&client).await;
    assert_eq!(field(client.dsc_scan_jobs(&c, 0, 0, None).await), "limit");
    assert_eq!(field(client.dsc_scan_jobs(&c, -1, 10, None).await), "offset");
    assert_eq!(api(client.dsc_job_security_levels(&c, "nosuchjob").await).0, 404);
    assert_eq!(
        api(client.dsc_classification_results(&c, "nosuchjob", &ResultFilter::default(), 0, 10).await).0,
        404
    );
    let jobs = client.dsc_scan_jobs(&c, 0, 100, None).await.unwrap();
    // No export has been made for this job yet.
    assert_eq!(api(client.dsc_export_status(&c, &jobs.tasks[0].id).await).0, 404);
    let filter = ResultFilter { keyword: Some(String::new()), ..Default::default() };
    assert_eq!(
        field(client.dsc_classification_results(&c, &jobs.tasks[0].id, &filter, 0, 10).await),
        "keyword"
    );
}
