//! HSS scan tasks for the signed-in user: the cluster picker, IaC files (list and upload), the
//! two create calls (recorded in the history and followed by the tracker), how to ask a scan's
//! status, the task list with statistics, a task's detail and retry.
//!
//! HSS allows 5 calls a minute per user per API; list and detail answers are reused for a few
//! seconds per user, so any number of open tabs costs the cloud the same.

use cloud::hss::ClusterQuery;
use cloud::hss::{
    Cluster, IacFileQuery, IacFileType, IacScanSource, TaskList, TaskQuery, TaskStatus, TaskType, UploadFile,
    UploadedFile,
};
use cloud::model::hss::{FileTypeFilter, ScanItemsFilter, ScanType, MAX_FILES, MAX_FILE_BYTES};
use cloud::{Caller, CloudError};

use super::audit;
use super::cache::{chunk, chunk_of, CacheKey, CHUNK, SNAPSHOT_TTL};
use super::identity::Owner;
use super::intent::{create_once, Started, Target};
use super::session::signed_in;
use super::tasks::{Progress, StatusApi, Task};
use super::{from_cloud, Portal};
use crate::dto::audit::AuditAction;
use crate::dto::scans::*;
use crate::dto::tasks::{Created, TaskKind};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, tf, Key};

/// Scans are followed through the task list, which the scan pages read too: the tracker takes
/// every other slot of the user's budget for it, so pages opened meanwhile still get calls.
pub const STATUS_API: StatusApi = StatusApi { name: "hss_list_tasks", share: 2 };

/// One task's latest snapshot in the scan cache: the tracker puts what it read there and the
/// task's page reads it.
fn snapshot_key(owner: &Owner, task_type: TaskType, task_id: &str) -> CacheKey {
    CacheKey::new(owner, "scan_task").with(format!("{task_type}/{task_id}"))
}

pub async fn scan_clusters(
    offset: u32,
    name: Option<String>,
    refresh: bool,
) -> Result<ClusterPage, AppError> {
    let (from, start) = chunk_of(offset);
    let q = ClusterQuery {
        offset: from,
        limit: CHUNK.into(),
        cluster_name: name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        load_agent_info: true,
    };
    q.validate().map_err(|e| AppError::refused(e, &[("cluster_name", "name")]))?;
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    let key = CacheKey::new(&s.auth.owner(), "cluster_page");
    let page = chunk(&portal.lists, key, &q.cluster_name, offset, refresh, async {
        let page = portal.cloud.hss_list_clusters(caller, &q).await?;
        Ok((page.cluster_info_list, page.total_num))
    })
    .await?;
    let row = |c: &Cluster| ClusterRow { cluster: c.clone(), unscannable: Unscannable::of(c) };
    let clusters = page.0.iter().skip(start).take(CLUSTER_PAGE_SIZE as usize).map(row).collect();
    Ok(ClusterPage { clusters, total: page.1.max(0) as u32 })
}

pub async fn start_cluster_scan(input: ClusterScanInput, key: String) -> Result<Created, AppError> {
    input.validate()?;
    let s = signed_in().await?;
    let create = async { created(s.portal.cloud.hss_create_task(&s.caller, &input.task()).await?) };
    create_once(&s, TaskKind::ClusterScan, &key, input.summary(), &input, Target::New, create).await
}

pub async fn start_iac_scan(input: IacScanInput, key: String) -> Result<Created, AppError> {
    input.validate()?;
    let s = signed_in().await?;
    let create = async { created(s.portal.cloud.hss_create_task(&s.caller, &input.task()).await?) };
    create_once(&s, TaskKind::IacScan, &key, input.summary(), &input, Target::New, create).await
}

fn created(task: cloud::hss::TaskId) -> Result<Started, CloudError> {
    Ok(Started { cloud_task_id: task.task_id, export_ref: None, record_total_num: None })
}

/// Forwards checked files to HSS's upload API. The caller is known before the body is read, so
/// an anonymous upload costs one session lookup.
pub async fn upload_iac_files(form: multer::Multipart<'static>) -> Result<Vec<UploadedFile>, AppError> {
    let s = signed_in().await?;
    let (file_type, files) = read_upload(form).await?;
    let params = serde_json::json!({
        "file_type": file_type.as_str(),
        "files": files.iter().map(|f| serde_json::json!({"name": f.file_name, "bytes": f.content.len()})).collect::<Vec<_>>(),
    });
    let names: Vec<String> = files.iter().map(|f| f.file_name.clone()).collect();
    let uploaded = s.portal.cloud.hss_upload_iac_files(&s.caller, file_type, files).await.map_err(from_cloud);
    let ids: Vec<&str> = uploaded.iter().flatten().map(|f| f.file_id.as_str()).collect();
    let target = audit::target("iac_file", &ids.join(","), &names.join(", "));
    audit::Record { actor: &s.actor(), action: AuditAction::IacUpload, target, params }
        .write(&s.portal, audit::Outcome::of(&uploaded))
        .await;
    let uploaded = uploaded?;
    tracing::info!(user = %s.auth.user_name, files = uploaded.len(), "IaC files uploaded");
    Ok(uploaded)
}

/// The longest `file_type` value (`k8s_yaml`, `dockerfile`) with room to spare.
const FILE_TYPE_BYTES: usize = 32;

/// Reads the upload form: a `file_type` field and `file` parts. Each part is read in pieces and
/// refused as soon as it passes the cloud's bounds (1 MiB a file, ten files), so no more than
/// the bounds is ever held; the whole body is limited before this (middleware/limits.rs).
async fn read_upload(
    mut form: multer::Multipart<'static>,
) -> Result<(IacFileType, Vec<UploadFile>), AppError> {
    let unreadable =
        |e: multer::Error| AppError::invalid("files", tf(Key::ErrFileUnreadable, &[("why", &e)]));
    let mut file_type = None;
    let mut files: Vec<UploadFile> = Vec::new();
    let mut sizes: Vec<(String, usize)> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file_type" => {
                let value = read_part(&mut field, FILE_TYPE_BYTES).await.map_err(unreadable)?;
                let kind =
                    value.as_deref().and_then(|v| std::str::from_utf8(v).ok()).and_then(|v| v.parse().ok());
                file_type =
                    Some(kind.ok_or_else(|| AppError::invalid("file_type", t(Key::ErrFileTypeChoice)))?);
            }
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                if files.len() == MAX_FILES {
                    // One more than allowed: the check names the bound.
                    sizes.push((name, 1));
                    return Err(over_bounds(&sizes));
                }
                match read_part(&mut field, MAX_FILE_BYTES).await.map_err(unreadable)? {
                    Some(content) => {
                        sizes.push((name.clone(), content.len()));
                        files.push(UploadFile { file_name: name, content });
                    }
                    None => {
                        sizes.push((name, MAX_FILE_BYTES + 1));
                        return Err(over_bounds(&sizes));
                    }
                }
            }
            other => return Err(AppError::invalid("files", tf(Key::ErrUploadPart, &[("name", &other)]))),
        }
    }
    let file_type = file_type.ok_or_else(|| AppError::invalid("file_type", t(Key::ErrFileTypeChoice)))?;
    check_files(file_type, &sizes)?;
    Ok((file_type, files))
}

/// The error for files past the cloud's bounds, in the words of the check the browser runs too.
fn over_bounds(sizes: &[(String, usize)]) -> AppError {
    let bounds = || {
        AppError::invalid(
            "files",
            tf(Key::FilesLimit, &[("files", &MAX_FILES), ("kib", &(MAX_FILE_BYTES / 1024))]),
        )
    };
    check_files(IacFileType::K8sYaml, sizes).err().unwrap_or_else(bounds)
}

/// A part's bytes, or `None` once it passes `max` (the rest is not read).
async fn read_part(field: &mut multer::Field<'static>, max: usize) -> Result<Option<Vec<u8>>, multer::Error> {
    let mut out = Vec::new();
    while let Some(piece) = field.chunk().await? {
        if out.len() + piece.len() > max {
            return Ok(None);
        }
        out.extend_from_slice(&piece);
    }
    Ok(Some(out))
}

pub async fn iac_files(
    file_type: IacFileType,
    offset: u32,
    source: IacScanSource,
) -> Result<IacFilePage, AppError> {
    let s = signed_in().await?;
    let q = IacFileQuery {
        offset: offset.into(),
        limit: FILE_PAGE_SIZE.into(),
        scan_type: source,
        file_name: None,
        file_type: Some(file_type),
    };
    let list = s.portal.cloud.hss_list_iac_files(&s.caller, &q).await.map_err(from_cloud)?;
    Ok(IacFilePage { files: list.data_list, total: list.total_num })
}

pub async fn scan_tasks(filter: TaskFilter, refresh: bool) -> Result<TaskPage, AppError> {
    if !TASK_PAGE_SIZES.contains(&filter.limit()) {
        return Err(AppError::invalid("limit", format!("one of {TASK_PAGE_SIZES:?}")));
    }
    let kind = filter.task_type();
    let mut q = TaskQuery::new(kind).sorted(Some(filter.sort_dir()));
    q.offset = filter.offset().into();
    q.limit = filter.limit().into();
    q.task_status = filter.task_status;
    q.trigger_type = filter.trigger_type;
    q.task_name = filter.task_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    q.task_id = filter.task_id.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    // Each filter belongs to its kind of task: the other kind's is left out.
    match kind {
        TaskType::ClusterScan => {
            q.cluster_scan_info = filter.scan_type.map(|s| ScanItemsFilter { scan_type_list: vec![s] })
        }
        TaskType::IacScan => q.iac_scan_info = filter.file_type.map(|file_type| FileTypeFilter { file_type }),
    }
    q.start_create_time = filter.created_from;
    q.end_create_time = filter.created_to;
    q.validate().map_err(|e| AppError::refused(e, &[("start_create_time", "created_from")]))?;
    let s = signed_in().await?;
    let (portal, caller, owner) = (&s.portal, &s.caller, s.auth.owner());
    // The answer depends on every filter: the query's body and page are the key.
    let variant = format!("{}/{}/{}", serde_json::to_string(&q).unwrap_or_default(), q.offset, q.limit);
    let cache = &portal.scan_cache;
    let list = cache
        .get(CacheKey::new(&owner, "scan_tasks").with(variant), refresh, async {
            portal.cloud.hss_list_tasks(caller, &q).await
        })
        .await
        .map_err(from_cloud)?;
    let stats = cache
        .get(CacheKey::new(&owner, "scan_stats").with(kind.as_str()), refresh, async {
            portal.cloud.hss_task_statistics(caller, kind).await
        })
        .await
        .map_err(from_cloud)?;
    Ok(TaskPage { tasks: list.data_list.clone(), total: list.total_num, stats: stats.as_ref().clone() })
}

/// One task's snapshot, read from the cloud.
async fn read_task(
    cloud: &cloud::CloudClient,
    caller: &Caller,
    kind: TaskType,
    task_id: &str,
) -> Result<TaskList, CloudError> {
    let mut q = TaskQuery::new(kind);
    q.task_id = Some(task_id.to_string());
    cloud.hss_list_tasks(caller, &q).await
}

pub async fn scan_task(task_type: TaskType, task_id: String) -> Result<TaskDetail, AppError> {
    cloud::model::path_id("task_id", &task_id).map_err(|e| AppError::refused(e, &[]))?;
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    let key = snapshot_key(&s.auth.owner(), task_type, &task_id);
    let cache = &portal.scan_cache;
    let found = cache
        .get(key.clone(), false, read_task(&portal.cloud, caller, task_type, &task_id))
        .await
        .map_err(from_cloud)?;
    let task = found
        .data_list
        .first()
        .cloned()
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, t(Key::ErrScanTaskNotFound)))?;
    let resources = cache
        .get(key.with("resources"), false, async {
            portal.cloud.hss_task_resources(caller, task_type, &task_id, 0, 200).await
        })
        .await
        .map_err(from_cloud)?;
    Ok(TaskDetail {
        task,
        clusters: resources.cluster_scan_data_list.clone(),
        files: resources.iac_scan_data_list.clone(),
    })
}

/// Retries a cluster scan's failed items. The task's history row (made here if the task was
/// started elsewhere) runs again with its give-up clock restarted, and pages see fresh answers.
pub async fn retry_scan(input: RetryInput, key: String) -> Result<(), AppError> {
    input.validate()?;
    let s = signed_in().await?;
    let portal = &s.portal;
    let summary = format!("Retry of cluster scan {}", input.task_id);
    let retry = async {
        portal.cloud.hss_retry_task(&s.caller, &input.task_id, &input.retry()).await?;
        Ok(Started { cloud_task_id: input.task_id.clone(), export_ref: None, record_total_num: None })
    };
    let target = Target::Retry(input.task_id.clone());
    let done = create_once(&s, TaskKind::ClusterScan, &key, summary, &input, target, retry).await;
    portal.scan_cache.forget(&s.auth.owner()).await;
    done?;
    tracing::info!(user = %s.auth.user_name, task = %input.task_id, "scan retried");
    Ok(())
}

/// Where a scan stands: `None` while it runs; done when HSS says finished; failed when any
/// cluster or file failed (the task page tells which, and offers a retry). The task's page is
/// handed what was read, so it need not ask the cloud itself.
pub async fn check(portal: &Portal, caller: &Caller, task: &Task) -> Result<Option<Progress>, CloudError> {
    let kind = if task.kind == TaskKind::ClusterScan { TaskType::ClusterScan } else { TaskType::IacScan };
    let list = read_task(&portal.poll_cloud, caller, kind, &task.cloud_task_id).await?;
    let progress = scan_progress(list.data_list.first());
    portal.scan_cache.put(snapshot_key(&task.owner, kind, &task.cloud_task_id), list, SNAPSHOT_TTL).await;
    Ok(progress)
}

/// How far apart the portal's and the cloud's clocks may be when a lost create is looked up.
pub const CLOCK_SLACK_MS: i64 = 60_000;

/// A create whose answer was lost: the task is looked up among the project's tasks of its type
/// created since the intent, with the same scan items (cluster scans) or file type (IaC), and
/// not followed by another row; the one created closest to the intent is ours. None: HSS did
/// not create it. A retry knows its task already. HSS lists a project's tasks without their
/// creator, so two users' identical scans whose answers were both lost in the same moments may
/// be attributed to each other; both are still followed, once each.
pub async fn reconcile(portal: &Portal, caller: &Caller, task: &Task) -> Result<Progress, CloudError> {
    if !task.cloud_task_id.is_empty() {
        return Ok(Progress::Found { cloud_task_id: task.cloud_task_id.clone(), export_ref: None });
    }
    let kind = if task.kind == TaskKind::ClusterScan { TaskType::ClusterScan } else { TaskType::IacScan };
    let mut q = TaskQuery::new(kind).sorted(Some(cloud::hss::SortDir::Asc));
    q.limit = 200;
    q.start_create_time = Some(task.created_at - CLOCK_SLACK_MS);
    let list = portal.poll_cloud.hss_list_tasks(caller, &q).await?;
    let claimed = portal
        .tasks
        .claimed(&task.owner.domain_id, &task.owner.project_id, task.kind)
        .await
        .map_err(|e| CloudError::Transport { service: "portal", message: e.to_string() })?;
    let same_items = |t: &cloud::hss::Task| match task.kind {
        TaskKind::ClusterScan => {
            let wanted = serde_json::from_str::<ClusterScanInput>(&task.params).map(|i| i.scan_types).ok();
            // Unknown items the cloud reports make it another task's.
            let mut has: Vec<Option<ScanType>> = t
                .cluster_scan_info
                .as_ref()
                .map(|i| i.scan_type_list.iter().map(|s| s.known()).collect())
                .unwrap_or_default();
            has.sort();
            wanted.map(|w| {
                let mut w: Vec<Option<ScanType>> = w.into_iter().map(Some).collect();
                w.sort();
                w == has
            }) != Some(false)
        }
        _ => {
            let wanted = serde_json::from_str::<IacScanInput>(&task.params).map(|i| i.file_type).ok();
            wanted.is_none()
                || t.iac_scan_info.as_ref().and_then(|i| i.file_type.as_ref()).and_then(|f| f.known())
                    == wanted
        }
    };
    // Ours started after the intent was written; of several, the one closest to it (another
    // user's identical scan made in the same moments could otherwise be taken for ours).
    let found = list
        .data_list
        .iter()
        .filter(|t| !claimed.contains(&t.task_id) && same_items(t))
        .min_by_key(|t| (t.start_time - task.created_at).abs());
    Ok(match found {
        Some(t) => Progress::Found { cloud_task_id: t.task_id.clone(), export_ref: None },
        None => Progress::Failed { reason: NOT_CREATED.into() },
    })
}

/// A lost create the cloud turned out not to have made.
pub const NOT_CREATED: &str =
    "The cloud did not create this task (its answer was lost, and it is not in the cloud's list). Start it again.";

fn scan_progress(task: Option<&cloud::hss::Task>) -> Option<Progress> {
    let Some(t) = task else {
        return Some(Progress::Failed { reason: "HSS no longer lists this task.".into() });
    };
    if t.task_status != TaskStatus::Finished {
        return None;
    }
    let c = counters(t);
    let what = if t.iac_scan_info.is_some() { "files" } else { "clusters" };
    Some(if c.failed > 0 {
        Progress::Failed {
            reason: format!(
                "{} of {} {what} failed; open the task to see why and retry.",
                c.failed,
                c.failed + c.succeeded
            ),
        }
    } else {
        Progress::Succeeded { file_id: None, file_name: None }
    })
}
