//! Exports for the signed-in user: the pickers' lists, the three create calls (each recorded in
//! the history and handed to the tracker), the DSC preview and the history itself.

use std::sync::Arc;

use cloud::dsc::{AssetType, ResultExport, ResultFilter, ScanJob};
use cloud::hss::{
    ContainerExport, ContainerStatus, ExportClusterType, ExportHeaderKey, HandleStatus, ImageScanStatus,
    LocalImage, LocalImageQuery, LocalVulExport, TimeRange, VulType,
};
use cloud::{Caller, CloudError};

use super::history::{record_created, HistoryQuery, Task};
use super::lists::{all_pages, clusters};
use super::session::{signed_in, SessionAuth};
use super::{from_cloud, now_ms, store_failed, Portal};
use crate::dto::exports::*;
use crate::error::AppError;

/// Where the remembered column set is kept, per user.
const COLUMNS_PREFERENCE: &str = "container_export_columns";

fn user_key(auth: &SessionAuth) -> String {
    format!("{}/{}", auth.domain_id, auth.user_id)
}

fn parse<T: std::str::FromStr<Err = String>>(field: &str, v: &Option<String>) -> Result<Option<T>, AppError> {
    v.as_deref().map(|s| s.parse::<T>().map_err(|m| AppError::invalid(field, m))).transpose()
}

pub async fn cluster_names() -> Result<Vec<ClusterName>, AppError> {
    let (portal, auth, caller) = signed_in().await?;
    let list = clusters(&portal, &auth, &caller, false).await?;
    let mut names: Vec<ClusterName> = list
        .iter()
        .map(|c| ClusterName { name: c.cluster_name.clone(), cluster_type: c.cluster_type.clone() })
        .collect();
    names.sort_by(|a, b| a.name.cmp(&b.name));
    names.dedup_by(|a, b| a.name == b.name);
    Ok(names)
}

/// The remembered column set, or the defaults for a first export.
pub async fn container_columns() -> Result<Vec<Column>, AppError> {
    let (portal, auth, _) = signed_in().await?;
    let saved = portal.tasks.preference(&user_key(&auth), COLUMNS_PREFERENCE).await.map_err(store_failed)?;
    if let Some(columns) = saved.and_then(|s| serde_json::from_str::<Vec<Column>>(&s).ok()) {
        let check = ContainerExportInput { columns: columns.clone(), ..Default::default() };
        if check.validate().is_ok() {
            return Ok(columns);
        }
    }
    Ok(DEFAULT_COLUMNS
        .iter()
        .map(|k| Column { key: k.to_string(), title: label(HEADER_KEYS, k).to_string() })
        .collect())
}

pub async fn local_images(
    offset: u32,
    name: Option<String>,
    version: Option<String>,
    refresh: bool,
) -> Result<ImagePage, AppError> {
    let name = blank_to_none(name).map(|s| s.to_lowercase());
    let version = blank_to_none(version).map(|s| s.to_lowercase());
    let (portal, auth, caller) = signed_in().await?;
    let list: Arc<Vec<LocalImage>> = portal
        .lists
        .get(&auth.list_key(), "local_images", refresh, async {
            all_pages(20_000, |offset| {
                let (portal, caller) = (&portal, &caller);
                async move {
                    let q = LocalImageQuery { offset, limit: 200, ..Default::default() };
                    let page = portal.cloud.hss_list_local_images(caller, &q).await?;
                    Ok((page.data_list, page.total_num))
                }
            })
            .await
        })
        .await
        .map_err(from_cloud)?;
    let matching: Vec<&LocalImage> = list
        .iter()
        .filter(|i| name.as_ref().is_none_or(|n| i.image_name.to_lowercase().contains(n)))
        .filter(|i| version.as_ref().is_none_or(|v| i.image_version.to_lowercase().contains(v)))
        .collect();
    Ok(ImagePage {
        total: matching.len() as i64,
        images: matching
            .into_iter()
            .skip(offset as usize)
            .take(IMAGE_PAGE_SIZE as usize)
            .map(|i| ImageRow {
                image_id: i.image_id.clone(),
                image_name: i.image_name.clone(),
                image_version: i.image_version.clone(),
                scan_status: i.scan_status.clone(),
                vul_num: i.vul_num,
                container_num: i.container_num,
                severity_level: i.severity_level.clone(),
            })
            .collect(),
    })
}

async fn scan_jobs(
    portal: &Portal,
    auth: &SessionAuth,
    caller: &Caller,
) -> Result<Arc<Vec<ScanJob>>, AppError> {
    portal
        .lists
        .get(&auth.list_key(), "dsc_jobs", false, async {
            // DSC's offset is a page number (§4.5; our reading of "页码").
            let mut all = Vec::new();
            for page in 0..50 {
                let list = portal.cloud.dsc_scan_jobs(caller, page, 100, None).await?;
                let got = list.tasks.len();
                all.extend(list.tasks);
                if got < 100 || all.len() as i64 >= list.total {
                    break;
                }
            }
            Ok::<_, CloudError>(all)
        })
        .await
        .map_err(from_cloud)
}

pub async fn dsc_jobs() -> Result<Vec<ScanJobRow>, AppError> {
    let (portal, auth, caller) = signed_in().await?;
    let jobs = scan_jobs(&portal, &auth, &caller).await?;
    Ok(jobs
        .iter()
        .map(|j| ScanJobRow {
            id: j.id.clone(),
            name: j.name.clone(),
            status: j.status.map(|s| s.to_string()).unwrap_or_default(),
            last_run_time: j.last_run_time,
        })
        .collect())
}

pub async fn dsc_choices(job_id: String) -> Result<DscJobChoices, AppError> {
    DscExportInput { job_id: job_id.clone(), ..Default::default() }.validate()?;
    let (portal, _, caller) = signed_in().await?;
    let levels = portal.cloud.dsc_job_security_levels(&caller, &job_id).await.map_err(from_cloud)?;
    let buckets = portal.cloud.dsc_export_buckets(&caller).await.map_err(from_cloud)?;
    Ok(DscJobChoices {
        levels: levels
            .into_iter()
            .map(|l| LevelRow { id: l.security_level_id, name: l.security_level_name, count: l.count })
            .collect(),
        buckets: buckets.into_iter().filter(|b| !b.is_deleted).map(|b| b.bucket_name).collect(),
    })
}

fn result_filter(input: &DscExportInput) -> Result<ResultFilter, AppError> {
    Ok(ResultFilter {
        keyword: input.keyword.clone(),
        asset_type: parse::<AssetType>("asset_type", &input.asset_type)?,
        asset_id: input.asset_id.clone(),
        security_level_ids: input.security_level_ids.clone(),
    })
}

pub async fn dsc_preview(input: DscExportInput) -> Result<DscPreviewPage, AppError> {
    let input = input.normalised();
    input.validate()?;
    let filter = result_filter(&input)?;
    let (portal, _, caller) = signed_in().await?;
    let list = portal
        .cloud
        .dsc_classification_results(&caller, &input.job_id, &filter, 0, PREVIEW_ROWS)
        .await
        .map_err(from_cloud)?;
    Ok(DscPreviewPage {
        total: list.total,
        rows: list
            .classification_list
            .into_iter()
            .map(|c| PreviewRow {
                asset_name: c.asset_name,
                object_full_path: c.object_full_path,
                security_level_name: c.security_level_name,
                rules: c.match_info.iter().map(|m| m.rule_name.as_str()).collect::<Vec<_>>().join(", "),
            })
            .collect(),
    })
}

pub async fn export_containers(input: ContainerExportInput) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let export = ContainerExport {
        export_size: input.export_size,
        export_headers: input
            .columns
            .iter()
            .map(|c| {
                Ok((
                    c.key.parse::<ExportHeaderKey>().map_err(|m| AppError::invalid("columns", m))?,
                    c.title.clone(),
                ))
            })
            .collect::<Result<_, AppError>>()?,
        cluster_container: input.cluster_container,
        cluster_type: parse::<ExportClusterType>("cluster_type", &input.cluster_type)?,
        cluster_name: input.cluster_name.clone(),
        container_name: input.container_name.clone(),
        pod_name: input.pod_name.clone(),
        image_name: input.image_name.clone(),
        status: parse::<ContainerStatus>("status", &input.status)?,
        risky: input.risky,
        create_time: (input.create_start.is_some() || input.create_end.is_some())
            .then_some(TimeRange { start_time: input.create_start, end_time: input.create_end }),
        cpu_limit: input.cpu_limit.clone(),
        memory_limit: input.memory_limit.clone(),
    };
    let (portal, auth, caller) = signed_in().await?;
    let started = portal.cloud.hss_export_containers(&caller, &export).await.map_err(from_cloud)?;
    // The column set is remembered once the cloud took it.
    if let Ok(columns) = serde_json::to_string(&input.columns) {
        if let Err(e) = portal.tasks.set_preference(&user_key(&auth), COLUMNS_PREFERENCE, &columns).await {
            tracing::warn!(error = %e, "could not remember the column set");
        }
    }
    let row =
        record_created(&portal, &auth, TaskKind::HssContainers, input.summary(), &input, started.task_id)
            .await?;
    Ok(Created { row, record_total_num: None })
}

pub async fn export_local_vuls(input: LocalVulExportInput) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let export = LocalVulExport {
        export_size: input.export_size,
        image_id_list: input.image_ids.clone(),
        operate_all: input.operate_all,
        vul_type: parse::<VulType>("vul_type", &input.vul_type)?,
        handle_status: parse::<HandleStatus>("handle_status", &input.handle_status)?,
        scan_status: parse::<ImageScanStatus>("scan_status", &input.scan_status)?,
        image_name: input.image_name.clone(),
        image_version: input.image_version.clone(),
        start_latest_update_time: input.update_start,
        end_latest_update_time: input.update_end,
        start_latest_scan_time: input.scan_start,
        end_latest_scan_time: input.scan_end,
        has_container: input.has_container,
        vul_id_list: input.vul_ids.clone(),
    };
    let (portal, auth, caller) = signed_in().await?;
    let started =
        portal.cloud.hss_export_local_vulnerabilities(&caller, &export).await.map_err(from_cloud)?;
    let row =
        record_created(&portal, &auth, TaskKind::HssLocalVuls, input.summary(), &input, started.task_id)
            .await?;
    Ok(Created { row, record_total_num: Some(started.record_total_num) })
}

pub async fn export_dsc(input: DscExportInput) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let export = ResultExport {
        filter: result_filter(&input)?,
        bucket_name: input.bucket_name.clone(),
        database_name: input.database_name.clone(),
        table_name: input.table_name.clone(),
        filter_bucket_name: input.filter_bucket_name.clone(),
        mask: Some(input.mask),
        start_time: input.start_time,
    };
    let (portal, auth, caller) = signed_in().await?;
    let state = portal.cloud.dsc_create_export(&caller, &input.job_id, &export).await.map_err(from_cloud)?;
    let job_name = if state.job_name.is_empty() { input.job_id.clone() } else { state.job_name.clone() };
    let row = record_created(
        &portal,
        &auth,
        TaskKind::DscResults,
        input.summary(&job_name),
        &input,
        input.job_id.clone(),
    )
    .await?;
    Ok(Created { row, record_total_num: None })
}

/// One of the user's own tasks; anyone else's reads as not found.
pub async fn owned(portal: &Portal, auth: &SessionAuth, id: &str) -> Result<Task, AppError> {
    let not_found = || {
        AppError::new(crate::error::ErrorKind::NotFound, crate::i18n::t(crate::i18n::Key::ErrExportNotFound))
    };
    if id.is_empty() || id.len() > 64 {
        return Err(not_found());
    }
    let task = portal.tasks.get(id).await.map_err(store_failed)?.ok_or_else(not_found)?;
    if task.owner.user_id != auth.user_id || task.owner.domain_id != auth.domain_id {
        return Err(not_found());
    }
    Ok(task)
}

pub async fn export_status(id: String) -> Result<HistoryRow, AppError> {
    let (portal, auth, _) = signed_in().await?;
    Ok(owned(&portal, &auth, &id).await?.row(now_ms()))
}

pub async fn history(
    kind: Option<String>,
    status: Option<String>,
    offset: u32,
    limit: u32,
) -> Result<HistoryPage, AppError> {
    let kind = blank_to_none(kind)
        .map(|k| {
            TaskKind::parse(&k).ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    "hss_containers, hss_local_vuls, dsc_results, cluster_scan or iac_scan",
                )
            })
        })
        .transpose()?;
    let status = blank_to_none(status)
        .map(|s| {
            TaskStatus::parse(&s).ok_or_else(|| AppError::invalid("status", "running, success or failure"))
        })
        .transpose()?;
    if !HISTORY_PAGE_SIZES.contains(&limit) {
        return Err(AppError::invalid("limit", format!("one of {HISTORY_PAGE_SIZES:?}")));
    }
    let (portal, auth, _) = signed_in().await?;
    let q = HistoryQuery { kind, status, offset, limit };
    let (tasks, total) = portal.tasks.list(&auth.domain_id, &auth.user_id, &q).await.map_err(store_failed)?;
    let now = now_ms();
    Ok(HistoryPage {
        rows: tasks.iter().map(|t| t.row(now)).collect(),
        total,
        offset,
        limit,
        server_now: now,
    })
}
