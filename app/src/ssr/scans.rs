//! HSS scan tasks for the signed-in user: the cluster picker, IaC files (list and upload), the
//! two create calls (recorded in the history and followed by the tracker), the task list with
//! statistics, a task's detail and retry.
//!
//! HSS allows 5 calls a minute per user per API; list and detail answers are reused for a few
//! seconds per user, so any number of open tabs costs the cloud the same.

use cloud::hss::{
    Cluster, ClusterScanInfo, IacFileQuery, IacFileType, IacScanInfo, IacScanSource, NewTask, RangeType,
    Retry, RetryCluster, RetryRange, ScanType, Task, TaskQuery, TaskStatus, TaskType, TriggerType,
    UploadFile,
};

use super::history::{record_created, FIRST_POLL_MS};
use super::lists::ListCache;
use super::session::signed_in;
use super::{from_cloud, now_ms};
use crate::dto::exports::{Created, TaskKind};
use crate::dto::scans::*;
use crate::error::AppError;

/// Where one task's latest snapshot is kept in the scan cache. The tracker puts what it read
/// there and the task's page reads it, so both build the key here.
pub fn task_key(list_key: &str, task_type: TaskType, task_id: &str) -> String {
    format!("{list_key}|{task_type}|{task_id}")
}

/// The scan cache's name for one task's snapshot (beside its resources).
pub const TASK_SNAPSHOT: &str = "scan_task";

fn parse<T: std::str::FromStr<Err = String>>(field: &str, v: &str) -> Result<T, AppError> {
    v.parse::<T>().map_err(|m| AppError::invalid(field, m))
}

fn opt<T: std::str::FromStr<Err = String>>(field: &str, v: Option<String>) -> Result<Option<T>, AppError> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).map(|s| parse(field, &s)).transpose()
}

/// Why a cluster cannot be scanned (the emulator and the console agree: it must be available
/// and have the HSS agent's DaemonSet installed).
fn unscannable(c: &Cluster) -> Option<String> {
    if !c.status.eq_ignore_ascii_case("available") && !c.status.eq_ignore_ascii_case("running") {
        return Some(format!("cluster is {}", c.status));
    }
    if c.agent_ds_install_status.eq_ignore_ascii_case("notinstall") {
        return Some("HSS agent not installed".into());
    }
    None
}

pub async fn clusters(offset: u32, name: Option<String>, refresh: bool) -> Result<ClusterPage, AppError> {
    let name = name.map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty());
    let (portal, auth, caller) = signed_in().await?;
    let list = super::lists::clusters(&portal, &auth, &caller, refresh).await?;
    let matching: Vec<&Cluster> = list
        .iter()
        .filter(|c| name.as_ref().is_none_or(|n| c.cluster_name.to_lowercase().contains(n)))
        .collect();
    Ok(ClusterPage {
        total: matching.len() as u32,
        clusters: matching
            .into_iter()
            .skip(offset as usize)
            .take(CLUSTER_PAGE_SIZE as usize)
            .map(|c| ClusterRow {
                cluster_id: c.cluster_id.clone(),
                cluster_name: c.cluster_name.clone(),
                cluster_type: c.cluster_type.clone(),
                status: c.status.clone(),
                version: c.version.clone(),
                nodes: format!("{}/{}", c.active_nodes_number, c.total_nodes_number),
                agent_failures: c.agent_install_failed_num,
                unscannable: unscannable(c),
            })
            .collect(),
    })
}

pub async fn start_cluster_scan(input: ClusterScanInput) -> Result<Created, AppError> {
    input.validate()?;
    let task = NewTask::ClusterScan {
        cluster_scan_info: ClusterScanInfo {
            scan_type_list: input
                .scan_types
                .iter()
                .map(|t| parse::<ScanType>("scan_types", t))
                .collect::<Result<_, _>>()?,
            range_type: if input.all_clusters { RangeType::AllCluster } else { RangeType::SpecificCluster },
            cluster_id_list: if input.all_clusters { Vec::new() } else { input.cluster_ids.clone() },
        },
    };
    let (portal, auth, caller) = signed_in().await?;
    let started = portal.cloud.hss_create_task(&caller, &task).await.map_err(from_cloud)?;
    let row = record_created(&portal, &auth, TaskKind::ClusterScan, input.summary(), &input, started.task_id)
        .await?;
    Ok(Created { row, record_total_num: None })
}

pub async fn start_iac_scan(input: IacScanInput) -> Result<Created, AppError> {
    input.validate()?;
    let task = NewTask::IacScan {
        iac_scan_info: IacScanInfo {
            file_type: parse::<IacFileType>("file_type", &input.file_type)?,
            file_id_list: input.file_ids.clone(),
        },
    };
    let (portal, auth, caller) = signed_in().await?;
    let started = portal.cloud.hss_create_task(&caller, &task).await.map_err(from_cloud)?;
    let summary = format!(
        "{} {} file{}",
        input.file_ids.len(),
        crate::dto::exports::label(FILE_TYPES, &input.file_type),
        if input.file_ids.len() == 1 { "" } else { "s" }
    );
    let row = record_created(&portal, &auth, TaskKind::IacScan, summary, &input, started.task_id).await?;
    Ok(Created { row, record_total_num: None })
}

/// Forwards checked files to HSS's upload API.
pub async fn upload(file_type: String, files: Vec<UploadFile>) -> Result<Vec<UploadedRow>, AppError> {
    let sizes: Vec<(String, usize)> = files.iter().map(|f| (f.file_name.clone(), f.content.len())).collect();
    check_files(&file_type, &sizes)?;
    let kind = parse::<IacFileType>("file_type", &file_type)?;
    let (portal, auth, caller) = signed_in().await?;
    let uploaded = portal.cloud.hss_upload_iac_files(&caller, kind, files).await.map_err(from_cloud)?;
    tracing::info!(user = %auth.user_name, files = uploaded.len(), "IaC files uploaded");
    Ok(uploaded
        .into_iter()
        .map(|f| UploadedRow { file_id: f.file_id, file_name: f.file_name, file_size: f.file_size })
        .collect())
}

pub async fn iac_files(file_type: String, offset: u32) -> Result<(Vec<IacFileRow>, i64), AppError> {
    let kind = parse::<IacFileType>("file_type", &file_type)?;
    let (portal, _, caller) = signed_in().await?;
    let q = IacFileQuery {
        offset: offset.into(),
        limit: 10,
        scan_type: IacScanSource::ManualScan,
        file_name: None,
        file_type: Some(kind),
    };
    let list = portal.cloud.hss_list_iac_files(&caller, &q).await.map_err(from_cloud)?;
    Ok((
        list.data_list
            .into_iter()
            .map(|f| IacFileRow {
                file_id: f.file_id,
                file_name: f.file_name,
                file_type: f.file_type.map(|t| t.to_string()).unwrap_or_default(),
                risky: f.risky,
                risk_num: f.risk_num,
                upload_file_time: f.upload_file_time,
            })
            .collect(),
        list.total_num,
    ))
}

pub fn task_row(t: &Task) -> TaskRow {
    let (scan_types, scanning, succeeded, failed) = match (&t.cluster_scan_info, &t.iac_scan_info) {
        (Some(c), _) => (
            c.scan_type_list.iter().map(|s| s.to_string()).collect(),
            c.scanning_cluster_num,
            c.success_cluster_num,
            c.failed_cluster_num,
        ),
        (_, Some(i)) => (Vec::new(), i.scan_file_num, i.success_file_num, i.failed_file_num),
        _ => (Vec::new(), 0, 0, 0),
    };
    TaskRow {
        task_id: t.task_id.clone(),
        task_type: t.task_type.to_string(),
        task_name: t.task_name.clone(),
        trigger_type: t.trigger_type.map(|x| x.to_string()).unwrap_or_default(),
        task_status: t.task_status.to_string(),
        start_time: t.start_time,
        end_time: t.end_time,
        estimated_time: t.estimated_time,
        scan_types,
        scanning,
        succeeded,
        failed,
    }
}

/// How long list and detail answers are reused: 12 s keeps any number of tabs within 5 calls
/// a minute per API.
pub const SCAN_CACHE: std::time::Duration = std::time::Duration::from_secs(12);

#[allow(clippy::too_many_arguments)]
pub async fn tasks(
    task_type: String,
    task_status: Option<String>,
    trigger_type: Option<String>,
    task_name: Option<String>,
    created_from: Option<i64>,
    created_to: Option<i64>,
    sort_dir: Option<String>,
    offset: u32,
    limit: u32,
    refresh: bool,
) -> Result<TaskPage, AppError> {
    let kind = parse::<TaskType>("task_type", &task_type)?;
    if !TASK_PAGE_SIZES.contains(&limit) {
        return Err(AppError::invalid("limit", format!("one of {TASK_PAGE_SIZES:?}")));
    }
    let mut q = TaskQuery::new(kind);
    q.offset = offset.into();
    q.limit = limit.into();
    q.task_status = opt::<TaskStatus>("task_status", task_status)?;
    q.trigger_type = opt::<TriggerType>("trigger_type", trigger_type)?;
    q.task_name = task_name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if q.task_name.as_ref().is_some_and(|n| n.chars().count() > 255) {
        return Err(AppError::invalid("task_name", "at most 255 characters"));
    }
    if let (Some(a), Some(b)) = (created_from, created_to) {
        if a > b {
            return Err(AppError::invalid("create_time", "the start must not be after the end"));
        }
    }
    q.start_create_time = created_from;
    q.end_create_time = created_to;
    match sort_dir.as_deref().map(str::trim) {
        None | Some("") => {}
        Some("asc") => (q.sort_key, q.sort_dir) = (Some("start_time"), Some("asc")),
        Some("desc") => (q.sort_key, q.sort_dir) = (Some("start_time"), Some("desc")),
        Some(_) => return Err(AppError::invalid("sort_dir", "asc or desc")),
    }
    let (portal, auth, caller) = signed_in().await?;
    let key = format!(
        "{}|{}",
        auth.list_key(),
        serde_json::to_string(&q).unwrap_or_default() + &format!("{offset}/{limit}")
    );
    let cache: &ListCache = &portal.scan_cache;
    let list = cache
        .get(&key, "scan_tasks", refresh, async { portal.cloud.hss_list_tasks(&caller, &q).await })
        .await
        .map_err(from_cloud)?;
    let stats = cache
        .get(&format!("{}|{task_type}", auth.list_key()), "scan_stats", refresh, async {
            portal.cloud.hss_task_statistics(&caller, kind).await
        })
        .await
        .map_err(from_cloud)?;
    Ok(TaskPage {
        tasks: list.data_list.iter().map(task_row).collect(),
        total: list.total_num,
        stats: TaskStats {
            total_num: stats.total_num,
            running_num: stats.running_num,
            last_task_start_time: stats.last_task_start_time,
        },
    })
}

pub async fn task(task_type: String, task_id: String) -> Result<TaskDetail, AppError> {
    let kind = parse::<TaskType>("task_type", &task_type)?;
    if task_id.is_empty() || task_id.len() > 64 {
        return Err(AppError::invalid("task_id", "1 to 64 characters"));
    }
    let (portal, auth, caller) = signed_in().await?;
    let key = task_key(&auth.list_key(), kind, &task_id);
    let cache = &portal.scan_cache;
    let found = cache
        .get(&key, TASK_SNAPSHOT, false, async {
            let mut q = TaskQuery::new(kind);
            q.task_id = Some(task_id.clone());
            portal.cloud.hss_list_tasks(&caller, &q).await
        })
        .await
        .map_err(from_cloud)?;
    let task = found.data_list.first().ok_or_else(|| {
        AppError::new(crate::error::ErrorKind::NotFound, format!("HSS knows no {task_type} task {task_id}"))
    })?;
    let resources = cache
        .get(&key, "scan_resources", false, async {
            portal.cloud.hss_task_resources(&caller, kind, &task_id, 0, 200).await
        })
        .await
        .map_err(from_cloud)?;
    let mut rows: Vec<ResourceRow> = resources
        .cluster_scan_data_list
        .iter()
        .map(|c| ResourceRow {
            id: c.cluster_id.clone(),
            name: c.cluster_name.clone(),
            kind: c.cluster_type.clone(),
            status: c.scan_status.to_string(),
            failed_reason: String::new(),
            items: c
                .scan_detail_list
                .iter()
                .map(|d| ItemRow {
                    scan_type: d.scan_type.to_string(),
                    status: d.status.to_string(),
                    failed_reason: d.failed_reason.clone(),
                })
                .collect(),
        })
        .collect();
    rows.extend(resources.iac_scan_data_list.iter().map(|f| ResourceRow {
        id: f.file_id.clone(),
        name: f.file_name.clone(),
        kind: f.file_type.map(|t| t.to_string()).unwrap_or_default(),
        status: f.scan_status.to_string(),
        failed_reason: f.failed_reason.clone(),
        items: Vec::new(),
    }));
    Ok(TaskDetail { task: task_row(task), resources: rows })
}

pub async fn retry(input: RetryInput) -> Result<(), AppError> {
    input.validate()?;
    let scan_types =
        input.scan_types.iter().map(|t| parse::<ScanType>("scan_types", t)).collect::<Result<Vec<_>, _>>()?;
    let retry = if input.all_failed {
        Retry { range_type: RetryRange::AllFailedCluster, cluster_info_list: Vec::new() }
    } else {
        Retry {
            range_type: RetryRange::SpecificCluster,
            cluster_info_list: input
                .cluster_ids
                .iter()
                .map(|id| RetryCluster { cluster_id: id.clone(), scan_type_list: scan_types.clone() })
                .collect(),
        }
    };
    let (portal, auth, caller) = signed_in().await?;
    portal.cloud.hss_retry_task(&caller, &input.task_id, &retry).await.map_err(from_cloud)?;
    // The task runs again: its history row (if the portal started it) is followed again, and
    // pages see fresh answers.
    portal.scan_cache.forget(&task_key(&auth.list_key(), TaskType::ClusterScan, &input.task_id));
    let now = now_ms();
    let reopened = portal
        .tasks
        .reopen(
            &auth.owner(),
            &input.task_id,
            &auth.sealed_token,
            auth.token_expires_at,
            now,
            now + FIRST_POLL_MS,
        )
        .await;
    match reopened {
        Ok(true) => portal.tracker.notify_one(),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not reopen the retried task's history"),
    }
    tracing::info!(user = %auth.user_name, task = %input.task_id, "scan retried");
    Ok(())
}
