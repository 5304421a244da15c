//! One scan task: progress (scanning, done and failed counters, time left), each cluster's or
//! file's outcome with every scan item's status and failure reason, refreshed while it runs
//! (the portal reuses the cloud's answer for 12 s, within HSS's rate limit), and Retry for
//! failed clusters: all of them, or chosen ones with chosen scan types.

use std::collections::BTreeSet;
use std::time::Duration;

use cloud::model::hss::{ClusterResult, FileResult, ItemStatus, ScanType, TaskStatus, TaskType};
use cloud::model::Seen;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{progress, time_left, title};
use crate::api::scans::{scan_task, RetryScan};
use crate::components::error_box::ErrorBox;
use crate::components::follow::keep_following;
use crate::components::form::{FieldError, FormErrors, FormKey};
use crate::components::time::show_time;
use crate::dto::scans::{counters, RetryInput, TaskDetail};
use crate::i18n::{t, tf, Key, Label, SeenLabel};

/// Seconds between two looks while the task runs.
const REFRESH_SECS: u64 = 5;

fn item_class(status: &Seen<ItemStatus>) -> &'static str {
    if *status == ItemStatus::Failed {
        "badge failed"
    } else {
        "badge"
    }
}

#[component]
pub fn ScanTaskPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| {
            let kind =
                p.get("type").and_then(|t| t.parse::<TaskType>().ok()).unwrap_or(TaskType::ClusterScan);
            (kind, p.get("id").unwrap_or_default())
        })
    });
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (key.get(), version.get()), |((kind, id), _)| scan_task(kind, id));
    // After a retry the cloud may still report the last run for a moment: keep looking for a
    // minute even while it reads "finished". Failed reads are tried again on their own.
    let follow = RwSignal::new(false);
    keep_following(detail, version, REFRESH_SECS as u32, move |d: &TaskDetail| {
        d.task.task_status != TaskStatus::Finished || follow.get_untracked()
    });
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let errors: FormErrors = RwSignal::new(None);
    let retry = ServerAction::<RetryScan>::new();
    let notice = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(())) => {
            notice.set(Some(t(Key::RetryStarted)));
            follow.set(true);
            set_timeout(move || follow.set(false), Duration::from_secs(60));
            chosen.set(BTreeSet::new());
            errors.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => errors.set(Some(e)),
        None => {}
    });
    view! {
        <p><a href="/scans">{t(Key::BackToScans)}</a></p>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || detail.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(d) => {
                    let task = d.task;
                    let c = counters(&task);
                    let is_cluster = task.task_type == TaskType::ClusterScan;
                    let can_retry = is_cluster
                        && task.task_status == TaskStatus::Finished
                        && d.clusters.iter().any(|r| r.scan_status == ItemStatus::Failed);
                    view! {
                        <h1>{title(&task)}</h1>
                        <p class="lead">{task.task_type.label()} " · "
                            <span class="badge" data-testid="task-status" data-status=task.task_status.as_str().to_string()>{task.task_status.label()}</span></p>
                        {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                        <section class="panel" aria-label=t(Key::Progress)>
                            <progress max=(c.scanning + c.succeeded + c.failed).max(1) value=c.succeeded + c.failed></progress>
                            <p data-testid="task-counters">{progress(&task)}{time_left(&task)}</p>
                            <p class="small muted">{t(Key::ColStarted)} " " {if task.start_time > 0 { show_time(task.start_time) } else { "–".into() }}
                                {(task.end_time > 0).then(|| format!(" · {}", tf(Key::Ended, &[("time", &show_time(task.end_time))])))}</p>
                        </section>
                        <table class="data resources" aria-label=t(Key::Results)>
                            <thead><tr>
                                {is_cluster.then(|| view! { <th></th> })}
                                <th>{if is_cluster { t(Key::ClusterName) } else { t(Key::FileName) }}</th>
                                <th>{t(Key::ColStatus)}</th><th>{t(Key::ScanItems)}</th>
                            </tr></thead>
                            <tbody>
                                {d.clusters.into_iter().map(|r| view! { <ClusterResultRow r chosen/> }).collect_view()}
                                {d.files.into_iter().map(|f| view! { <FileResultRow f/> }).collect_view()}
                            </tbody>
                        </table>
                        {can_retry.then(|| view! { <RetryPanel task_id=key.get_untracked().1 chosen errors retry/> })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// A cluster's outcome, ticked for a retry when it failed.
#[component]
fn ClusterResultRow(r: ClusterResult, chosen: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let failed = r.scan_status == ItemStatus::Failed;
    let id = r.cluster_id.clone();
    let checkbox = failed.then(|| {
        let (id, id2) = (id.clone(), id.clone());
        view! {
            <input type="checkbox" aria-label=tf(Key::RetryItem, &[("name", &r.cluster_name)])
                prop:checked=move || chosen.with(|c| c.contains(&id))
                on:change=move |e| { let on = event_target_checked(&e); let id = id2.clone();
                    chosen.update(|c| { if on { c.insert(id); } else { c.remove(&id); } }); }/>
        }
    });
    view! {
        <tr data-resource-id=id data-status=r.scan_status.as_str().to_string()>
            <td>{checkbox}</td>
            <td>{r.cluster_name.clone()} " " <span class="muted small">{r.cluster_type.clone()}</span></td>
            <td><span class=item_class(&r.scan_status)>{r.scan_status.label()}</span></td>
            <td><ul class="items">{r.scan_detail_list.into_iter().map(|i| view! {
                <li data-status=i.status.as_str().to_string()>{i.scan_type.label()} ": " {i.status.label()}
                    {(!i.failed_reason.is_empty()).then(|| view! { <span class="status-detail">" — " {i.failed_reason.clone()}</span> })}</li>
            }).collect_view()}</ul></td>
        </tr>
    }
}

/// A file's outcome (IaC scans).
#[component]
fn FileResultRow(f: FileResult) -> impl IntoView {
    view! {
        <tr data-resource-id=f.file_id.clone() data-status=f.scan_status.as_str().to_string()>
            <td>{f.file_name.clone()} " " <span class="muted small">{f.file_type.as_ref().map(SeenLabel::label)}</span></td>
            <td><span class=item_class(&f.scan_status)>{f.scan_status.label()}</span>
                {(!f.failed_reason.is_empty()).then(|| view! { <p class="small status-detail">{f.failed_reason.clone()}</p> })}</td>
            <td></td>
        </tr>
    }
}

/// Scan the failed clusters again: all, or the ticked ones with the ticked scan types.
#[component]
fn RetryPanel(
    task_id: String,
    chosen: RwSignal<BTreeSet<String>>,
    errors: FormErrors,
    retry: ServerAction<RetryScan>,
) -> impl IntoView {
    let types = RwSignal::new(BTreeSet::<ScanType>::new());
    // A retry the portal confirmed makes the next press another retry.
    let key = FormKey::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = retry.value().get() {
            key.renew();
        }
    });
    let send = move |all_failed: bool| {
        let input = RetryInput {
            task_id: task_id.clone(),
            all_failed,
            cluster_ids: if all_failed { Vec::new() } else { chosen.get_untracked().into_iter().collect() },
            scan_types: if all_failed { Vec::new() } else { types.get_untracked().into_iter().collect() },
        };
        match input.validate() {
            Ok(()) => {
                retry.dispatch(RetryScan { input, idempotency_key: key.current() });
            }
            Err(e) => errors.set(Some(e)),
        }
    };
    let send_all = send.clone();
    view! {
        <section class="panel" aria-label=t(Key::Retry)>
            <h2>{t(Key::Retry)}</h2>
            <p class="help">{t(Key::RetryHelp)}</p>
            {ScanType::ALL.iter().copied().map(|v| view! {
                <label class="inline-choice"><input type="checkbox"
                    prop:checked=move || types.with(|s| s.contains(&v))
                    on:change=move |e| { let on = event_target_checked(&e);
                        types.update(|s| { if on { s.insert(v); } else { s.remove(&v); } }); }/>{v.label()}</label>
            }).collect_view()}
            <FieldError errors field="cluster_ids"/>
            <FieldError errors field="scan_types"/>
            {move || errors.get().filter(|e| e.field.is_none()).map(|error| view! { <ErrorBox error/> })}
            <div class="toolbar">
                <button type="button" class="inline" disabled=move || retry.pending().get() on:click=move |_| send(false)>{t(Key::RetryChosen)}</button>
                <button type="button" class="inline" disabled=move || retry.pending().get() on:click=move |_| send_all(true)>{t(Key::RetryAllFailed)}</button>
            </div>
        </section>
    }
}
