//! DSC classification results and their export through `cloud`, against the emulator.

use crate::common::*;
use cloud::dsc::*;
use cloud::CloudError;
use emulator::timing::TaskTiming;
use futures_util::StreamExt;

async fn finished_job(client: &cloud::CloudClient, caller: &cloud::Caller) -> ScanJob {
    let jobs = client.dsc_scan_jobs(caller, 0, 100, None).await.unwrap();
    assert_eq!(jobs.total, 6);
    jobs.tasks.into_iter().find(|j| j.status == Some(ScanJobStatus::Finished.into())).unwrap()
}

#[tokio::test]
async fn preview_levels_and_buckets() {
    let (_emu, client) = setup().await;
    let caller = operator(&client).await;
    let job = finished_job(&client, &caller).await;
    let levels = client.dsc_job_security_levels(&caller, &job.id).await.unwrap();
    assert_eq!(levels.len(), 4);
    assert_eq!(levels.iter().map(|l| l.count).sum::<i64>(), 40);
    let all =
        client.dsc_classification_results(&caller, &job.id, &ResultFilter::default(), 0, 10).await.unwrap();
    assert_eq!((all.total, all.classification_list.len()), (40, 10));
    let top = levels.iter().max_by_key(|l| l.count).unwrap();
    let filter =
        ResultFilter { security_level_ids: vec![top.security_level_id.clone()], ..Default::default() };
    let some = client.dsc_classification_results(&caller, &job.id, &filter, 0, 100).await.unwrap();
    assert_eq!(some.total, top.count);
    assert!(some.classification_list.iter().all(|c| c.security_level_id == top.security_level_id));
    assert!(!some.classification_list[0].match_info[0].matched_examples.is_empty());
    let buckets = client.dsc_export_buckets(&caller).await.unwrap();
    assert_eq!(buckets.len(), 3);
    // Paging of the job list is by page number.
    let page1 = client.dsc_scan_jobs(&caller, 1, 4, None).await.unwrap();
    assert_eq!(page1.tasks.len(), 2);
}

#[tokio::test]
async fn export_follow_and_fetch_the_xlsx() {
    let (_emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::AfterReads(2), ..Default::default() }).await;
    let caller = operator_aksk();
    let job = finished_job(&client, &caller).await;
    let buckets = client.dsc_export_buckets(&caller).await.unwrap();
    let export = ResultExport {
        bucket_name: Some(buckets[0].bucket_name.clone()),
        mask: Some(true),
        ..Default::default()
    };
    let started = client
        .dsc_create_export(&caller, &job.id, &export)
        .await
        .unwrap()
        .expect("the emulator answers with the state");
    assert_eq!(started.status, ExportStatus::Running);
    assert!(started.file_name.ends_with(".xlsx"));
    // Not ready yet: no URL.
    assert_eq!(client.dsc_download_url(&caller, &job.id).await.unwrap_err().status(), Some(404));
    assert_eq!(client.dsc_export_status(&caller, &job.id).await.unwrap().status, ExportStatus::Running);
    assert_eq!(client.dsc_export_status(&caller, &job.id).await.unwrap().status, ExportStatus::Finished);
    let url = client.dsc_download_url(&caller, &job.id).await.unwrap();
    let mut d = client.dsc_fetch_export(&caller, &url).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(c) = d.body.next().await {
        bytes.extend_from_slice(&c.unwrap());
    }
    assert_eq!(&bytes[..2], b"PK");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("xl/worksheets/sheet1.xml") && text.contains("******"), "masked examples");
}

#[tokio::test]
async fn refusals() {
    let (_emu, client) = setup().await;
    let caller = operator(&client).await;
    let job = finished_job(&client, &caller).await;
    // A URL elsewhere is never fetched.
    for url in
        ["https://evil.test/x.xlsx", "http://obs.cn-north-4.myhuaweicloud.com/x.xlsx", "file:///etc/passwd"]
    {
        assert!(
            matches!(
                client.dsc_fetch_export(&caller, url).await,
                Err(CloudError::Invalid { field: "url", .. })
            ),
            "{url}"
        );
    }
    let err = client
        .dsc_create_export(&auditor(&client).await, &job.id, &ResultExport::default())
        .await
        .unwrap_err();
    match err {
        CloudError::Api { status, code, .. } => assert_eq!((status, code.as_str()), (403, "dsc.50000014")),
        other => panic!("unexpected {other:?}"),
    }
    let bad_bucket = ResultExport { bucket_name: Some("not-a-bucket".into()), ..Default::default() };
    let err = client.dsc_create_export(&caller, &job.id, &bad_bucket).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(matches!(
        client.dsc_classification_results(&caller, &job.id, &ResultFilter::default(), 0, 5000).await,
        Err(CloudError::Invalid { field: "limit", .. })
    ));
}

/// The rows of the emulator's exported workbook (its zip is stored, so the sheet is readable).
async fn exported_rows(client: &cloud::CloudClient, caller: &cloud::Caller, job_id: &str) -> Vec<String> {
    // AfterReads(1): one status read finishes it.
    assert_eq!(client.dsc_export_status(caller, job_id).await.unwrap().status, ExportStatus::Finished);
    let url = client.dsc_download_url(caller, job_id).await.unwrap();
    let mut d = client.dsc_fetch_export(caller, &url).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(c) = d.body.next().await {
        bytes.extend_from_slice(&c.unwrap());
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.split("<row ").skip(2).map(str::to_string).collect()
}

#[tokio::test]
async fn the_export_applies_the_filters_the_list_lacks_and_names_the_asset() {
    let (_emu, client) =
        setup_with(emulator::Config { task_timing: TaskTiming::AfterReads(1), ..Default::default() }).await;
    let caller = operator_aksk();
    let jobs = client.dsc_scan_jobs(&caller, 0, 100, None).await.unwrap();
    // A finished job with a database asset.
    let mut found = None;
    for job in jobs.tasks.iter().filter(|j| j.status == Some(ScanJobStatus::Finished.into())) {
        let all = client
            .dsc_classification_results(&caller, &job.id, &ResultFilter::default(), 0, 100)
            .await
            .unwrap();
        if let Some(db) = all.classification_list.iter().find(|c| c.asset_type == "DATABASE") {
            found = Some((job.clone(), db.clone(), all.classification_list));
            break;
        }
    }
    let (job, db, all) = found.expect("a finished job scanned a database");
    assert_ne!(db.asset_id, db.asset_name, "assets have names apart from their ids");
    let crm_orders = all
        .iter()
        .filter(|c| c.asset_id == db.asset_id && c.object_full_path.contains("/crm.orders."))
        .count();
    let export = ResultExport {
        filter: ResultFilter { asset_id: Some(db.asset_id.clone()), ..Default::default() },
        database_name: Some("crm".into()),
        table_name: Some("orders".into()),
        sort: Some(cloud::model::hss::SortDir::Asc),
        ..Default::default()
    };
    let started = client.dsc_create_export(&caller, &job.id, &export).await.unwrap().unwrap();
    assert_eq!(started.asset_name, db.asset_name, "the export names the asset, not its id");
    let rows = exported_rows(&client, &caller, &job.id).await;
    assert_eq!(rows.len(), crm_orders, "database and table applied");
    assert!(rows.iter().all(|r| r.contains("crm.orders.")));

    // Results since a time: only the later ones.
    let mut times: Vec<i64> = all.iter().map(|c| c.scan_time).collect();
    times.sort();
    let since = times[times.len() / 2];
    let later = times.iter().filter(|t| **t >= since).count();
    let export = ResultExport { start_time: Some(since), ..Default::default() };
    client.dsc_create_export(&caller, &job.id, &export).await.unwrap();
    assert_eq!(exported_rows(&client, &caller, &job.id).await.len(), later);

    // A scanned bucket that no result is in matches nothing.
    let export = ResultExport { filter_bucket_name: Some("no-such-bucket".into()), ..Default::default() };
    client.dsc_create_export(&caller, &job.id, &export).await.unwrap();
    assert!(exported_rows(&client, &caller, &job.id).await.is_empty());
}
