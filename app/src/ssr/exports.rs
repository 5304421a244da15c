//! Exports for the signed-in user: the pickers' lists, the three create calls (each recorded in
//! the history and handed to the tracker), how to ask each export's status and fetch its file,
//! and the DSC preview.

use std::sync::Arc;

use cloud::dsc::{ExportStatus, ScanJob};
use cloud::hss::{ClusterQuery, ContainerQuery, Download, ExportTaskStatus, LocalImageQuery};
use cloud::{Caller, CloudError};

use super::cache::{all_pages, chunk, chunk_of, CacheKey, CHUNK};
use super::identity::Owner;
use super::intent::{create_once, Started, Target};
use super::session::signed_in;
use super::tasks::{Progress, StatusApi, Task};
use super::{from_cloud, store_failed, Portal};
use crate::dto::exports::*;
use crate::dto::tasks::{Created, TaskKind};
use crate::error::AppError;

/// Where the remembered column set is kept, per user.
const COLUMNS_PREFERENCE: &str = "container_export_columns";

/// The account's cluster names for the container form, the whole list walked once and kept a
/// while (the scan picker reads chunks instead, see [`chunk`]).
pub async fn cluster_names() -> Result<Vec<ClusterName>, AppError> {
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    let names = portal
        .lists
        .get(CacheKey::new(&s.auth.owner(), "cluster_names"), false, async {
            let clusters = all_pages(5000, |offset| async move {
                let q = ClusterQuery { offset, limit: CHUNK.into(), ..Default::default() };
                let page = portal.cloud.hss_list_clusters(caller, &q).await?;
                Ok((page.cluster_info_list, page.total_num))
            })
            .await?;
            let mut names: Vec<ClusterName> = clusters
                .into_iter()
                .map(|c| ClusterName { name: c.cluster_name, cluster_type: c.cluster_type })
                .collect();
            names.sort_by(|a, b| a.name.cmp(&b.name));
            names.dedup_by(|a, b| a.name == b.name);
            Ok::<_, CloudError>(names)
        })
        .await
        .map_err(from_cloud)?;
    Ok(names.as_ref().clone())
}

/// The remembered column set, or the defaults for a first export.
pub async fn container_columns() -> Result<Vec<Column>, AppError> {
    let s = signed_in().await?;
    let saved = s
        .portal
        .preferences
        .preference(&s.auth.owner().user_key(), COLUMNS_PREFERENCE)
        .await
        .map_err(store_failed)?;
    if let Some(columns) = saved.and_then(|s| serde_json::from_str::<Vec<Column>>(&s).ok()) {
        if (ContainerExportInput { columns: columns.clone(), ..Default::default() }).validate().is_ok() {
            return Ok(columns);
        }
    }
    Ok(DEFAULT_COLUMNS.iter().map(|k| Column::titled(*k)).collect())
}

pub async fn local_images(
    offset: u32,
    name: Option<String>,
    version: Option<String>,
    narrow: ImageNarrowing,
    refresh: bool,
) -> Result<ImagePage, AppError> {
    // Searched by the cloud, a chunk at a time (see `cache::chunk`).
    let (from, start) = chunk_of(offset);
    let q = LocalImageQuery {
        offset: from,
        limit: CHUNK.into(),
        image_name: blank_to_none(name),
        image_version: blank_to_none(version),
        scan_status: blank_to_none(narrow.scan_status),
        has_container: narrow.has_container,
        ..Default::default()
    };
    q.validate()
        .map_err(|e| AppError::refused(e, &[("image_name", "name"), ("image_version", "version")]))?;
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    let search = (&q.image_name, &q.image_version, &q.scan_status, q.has_container);
    let page = chunk(
        &portal.lists,
        CacheKey::new(&s.auth.owner(), "local_images"),
        &search,
        offset,
        refresh,
        async {
            let page = portal.cloud.hss_list_local_images(caller, &q).await?;
            Ok((page.data_list, page.total_num))
        },
    )
    .await?;
    let images = page.0.iter().skip(start).take(IMAGE_PAGE_SIZE as usize).cloned().collect();
    Ok(ImagePage { images, total: page.1 })
}

async fn scan_jobs(portal: &Portal, owner: &Owner, caller: &Caller) -> Result<Arc<Vec<ScanJob>>, AppError> {
    portal
        .lists
        .get(CacheKey::new(owner, "dsc_jobs"), false, async {
            // DSC's offset is a page number (§4.5; our reading of "页码"), so each call asks for
            // the next page of 100, not the next 200 rows.
            let mut page = 0;
            all_pages(5000, |_| {
                page += 1;
                let number = page - 1;
                async move {
                    let list = portal.cloud.dsc_scan_jobs(caller, number, 100, None).await?;
                    Ok((list.tasks, list.total))
                }
            })
            .await
        })
        .await
        .map_err(from_cloud)
}

pub async fn dsc_jobs() -> Result<Vec<ScanJob>, AppError> {
    let s = signed_in().await?;
    Ok(scan_jobs(&s.portal, &s.auth.owner(), &s.caller).await?.as_ref().clone())
}

pub async fn dsc_choices(job_id: String) -> Result<DscJobChoices, AppError> {
    DscExportInput { job_id: job_id.clone(), ..Default::default() }.validate()?;
    let s = signed_in().await?;
    let levels = s.portal.cloud.dsc_job_security_levels(&s.caller, &job_id).await.map_err(from_cloud)?;
    let buckets = s.portal.cloud.dsc_export_buckets(&s.caller).await.map_err(from_cloud)?;
    Ok(DscJobChoices {
        levels,
        buckets: buckets.into_iter().filter(|b| !b.is_deleted).map(|b| b.bucket_name).collect(),
    })
}

pub async fn container_preview(input: ContainerExportInput) -> Result<ContainerPreviewPage, AppError> {
    let input = input.normalised();
    input.validate()?;
    let q = ContainerQuery {
        offset: 0,
        limit: PREVIEW_ROWS,
        container_name: input.container_name.clone(),
        pod_name: input.pod_name.clone(),
        image_name: input.image_name.clone(),
        cluster_container: input.cluster_container,
    };
    q.validate().map_err(|e| AppError::refused(e, &[]))?;
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    // One call per distinct filter, reused for a while: previewing again costs nothing.
    let variant = serde_json::to_string(&q).unwrap_or_default();
    let list = portal
        .lists
        .get(CacheKey::new(&s.auth.owner(), "container_preview").with(variant), false, async {
            portal.cloud.hss_list_containers(caller, &q).await
        })
        .await
        .map_err(from_cloud)?;
    Ok(ContainerPreviewPage { total: list.total_num, rows: list.data_list.clone() })
}

pub async fn dsc_preview(input: DscExportInput) -> Result<DscPreviewPage, AppError> {
    let input = input.normalised();
    input.validate()?;
    let s = signed_in().await?;
    let list = s
        .portal
        .cloud
        .dsc_classification_results(&s.caller, &input.job_id, &input.filter(), 0, PREVIEW_ROWS)
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

pub async fn export_containers(input: ContainerExportInput, key: String) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let s = signed_in().await?;
    let create = async {
        let started = s.portal.cloud.hss_export_containers(&s.caller, &input.export()).await?;
        Ok(Started { cloud_task_id: started.task_id, export_ref: None, record_total_num: None })
    };
    let created =
        create_once(&s, TaskKind::HssContainers, &key, input.summary(), &input, Target::New, create).await?;
    // The column set is remembered once the cloud took it.
    if let Ok(columns) = serde_json::to_string(&input.columns) {
        let user = s.auth.owner().user_key();
        if let Err(e) = s.portal.preferences.set_preference(&user, COLUMNS_PREFERENCE, &columns).await {
            tracing::warn!(error = %e, "could not remember the column set");
        }
    }
    Ok(created)
}

pub async fn export_local_vuls(input: LocalVulExportInput, key: String) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let s = signed_in().await?;
    let create = async {
        let started = s.portal.cloud.hss_export_local_vulnerabilities(&s.caller, &input.export()).await?;
        Ok(Started {
            cloud_task_id: started.task_id,
            export_ref: None,
            record_total_num: Some(started.record_total_num),
        })
    };
    create_once(&s, TaskKind::HssLocalVuls, &key, input.summary(), &input, Target::New, create).await
}

/// DSC keeps one export per scan job: a second export of a job while one of the portal's runs is
/// refused (`Target::Job`), or the first user's file would be replaced under them.
pub async fn export_dsc(input: DscExportInput, key: String) -> Result<Created, AppError> {
    let input = input.normalised();
    input.validate()?;
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    let summary = input.summary(&input.job_id);
    let create = async {
        // DSC may answer 200 or 201, with the export's state or an empty body: the status call
        // then says which export started (its start time tells it from later ones).
        let state = match portal.cloud.dsc_create_export(caller, &input.job_id, &input.export()).await? {
            Some(state) if !state.start_time.is_empty() => state,
            _ => portal.cloud.dsc_export_status(caller, &input.job_id).await?,
        };
        Ok(Started {
            cloud_task_id: input.job_id.clone(),
            export_ref: Some(state.start_time).filter(|t| !t.is_empty()),
            record_total_num: None,
        })
    };
    create_once(&s, TaskKind::DscResults, &key, summary, &input, Target::Job(input.job_id.clone()), create)
        .await
}

/// The status API an export's poll spends.
pub fn status_api(kind: TaskKind) -> StatusApi {
    match kind {
        TaskKind::DscResults => StatusApi { name: "dsc_export_status", share: 1 },
        _ => StatusApi { name: "hss_export_status", share: 1 },
    }
}

/// Where an export stands: `None` while it runs.
pub async fn check(portal: &Portal, caller: &Caller, task: &Task) -> Result<Option<Progress>, CloudError> {
    let cloud = &portal.poll_cloud;
    if task.kind == TaskKind::DscResults {
        let s = cloud.dsc_export_status(caller, &task.cloud_task_id).await?;
        if task.export_ref.as_deref().is_some_and(|r| r != s.start_time) {
            return Ok(Some(Progress::Failed { reason: DSC_REPLACED.into() }));
        }
        return Ok(match s.status {
            ExportStatus::Finished => Some(Progress::Succeeded {
                file_id: None,
                file_name: Some(s.file_name).filter(|n| !n.is_empty()),
            }),
            ExportStatus::Failed => Some(Progress::Failed {
                reason: format!("DSC reported the export of job {} as failed. Try again.", s.job_name),
            }),
            ExportStatus::Running | ExportStatus::Other(_) => None,
        });
    }
    let s = cloud.hss_export_status(caller, &task.cloud_task_id).await?;
    Ok(match s.task_status {
        ExportTaskStatus::Running => None,
        ExportTaskStatus::Success => Some(Progress::Succeeded { file_id: s.file_id, file_name: s.file_name }),
        ExportTaskStatus::Failure => Some(Progress::Failed {
            reason: format!(
                "HSS reported the export as failed (task {}). Try again, perhaps with fewer rows; if it keeps \
                 failing, give Huawei Cloud support the task id {}.",
                if s.task_name.is_empty() { &s.task_id } else { &s.task_name },
                s.task_id
            ),
        }),
    })
}

/// A create whose answer was lost. DSC: the job's export is ours when it started after the
/// intent and no other row follows it. HSS offers no list of exports, so a lost HSS export
/// cannot be found: the row says so and the user may start again.
pub async fn reconcile(portal: &Portal, caller: &Caller, task: &Task) -> Result<Progress, CloudError> {
    if task.kind != TaskKind::DscResults {
        return Ok(Progress::Failed { reason: HSS_EXPORT_LOST.into() });
    }
    let s = portal.poll_cloud.dsc_export_status(caller, &task.cloud_task_id).await?;
    let started = s.start_time.parse::<i64>().ok();
    let mine = started.is_some_and(|t| t >= task.created_at - super::scans::CLOCK_SLACK_MS);
    let others = portal
        .tasks
        .active_on(&task.owner.domain_id, &task.owner.project_id, TaskKind::DscResults, &task.cloud_task_id)
        .await
        .map_err(|e| CloudError::Transport { service: "portal", message: e.to_string() })?;
    let taken = others.iter().any(|o| o.id != task.id && o.export_ref.as_deref() == Some(&s.start_time));
    Ok(if mine && !taken {
        Progress::Found { cloud_task_id: task.cloud_task_id.clone(), export_ref: Some(s.start_time) }
    } else {
        Progress::Failed { reason: super::scans::NOT_CREATED.into() }
    })
}

pub const DSC_REPLACED: &str =
    "A later export of this scan job replaced this one in DSC (DSC keeps one export per job). Start it again.";

pub const HSS_EXPORT_LOST: &str =
    "HSS did not confirm this export and offers no list of exports to look it up, \
     so the portal cannot follow it. Start it again if you need the file.";

/// A finished export's file, streamed from the cloud.
pub async fn fetch_file(portal: &Portal, caller: &Caller, task: &Task) -> Result<Download, CloudError> {
    let cloud = &portal.cloud;
    if task.kind == TaskKind::DscResults {
        // The job's export now may be a later one (another user's, unmasked): only the file of
        // the export this row started is handed out.
        let s = cloud.dsc_export_status(caller, &task.cloud_task_id).await?;
        let file_matches = task.file_name.as_deref().is_none_or(|f| f == s.file_name);
        if task.export_ref.as_deref() != Some(s.start_time.as_str()) || !file_matches {
            return Err(CloudError::Api {
                service: "dsc",
                status: 410,
                code: "PORTAL.REPLACED".into(),
                message: DSC_REPLACED.into(),
                request_id: None,
            });
        }
        let url = cloud.dsc_download_url(caller, &task.cloud_task_id).await?;
        return cloud.dsc_fetch_export(caller, &url).await;
    }
    cloud.hss_download(caller, task.file_id.as_deref().unwrap_or_default()).await
}
