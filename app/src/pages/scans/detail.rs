//! One scan task: progress (scanning, done and failed counters, time left), each cluster's or
//! file's outcome with every scan item's status and failure reason, refreshed while it runs
//! (the portal reuses the cloud's answer for 12 s, within HSS's rate limit), and Retry for
//! failed clusters: all of them, or chosen ones with chosen scan types.

use std::collections::BTreeSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::counters;
use crate::api::scans::{scan_task, RetryScan};
use crate::components::error_box::ErrorBox;
use crate::dto::exports::label;
use crate::dto::scans::{RetryInput, SCAN_TYPES, TASK_STATUSES, TASK_TYPES};
use crate::i18n::{t, Key};
use crate::pages::exports::fields::{show_time, FieldError, FormErrors};

/// Seconds between two looks while the task runs.
const REFRESH_SECS: u64 = 5;

#[component]
pub fn ScanTaskPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| (p.get("type").unwrap_or_default(), p.get("id").unwrap_or_default()))
    });
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (key.get(), version.get()), |((kind, id), _)| scan_task(kind, id));
    // After a retry the cloud may still report the last run for a moment: keep looking for a
    // minute even while it reads "finished".
    let follow = RwSignal::new(0u32);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                let running = detail
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|d| d.task.task_status != "finished");
                let following = follow.get_untracked() > 0;
                follow.update(|f| *f = f.saturating_sub(1));
                if running || following {
                    version.update(|v| *v += 1);
                }
            },
            Duration::from_secs(REFRESH_SECS),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let types = RwSignal::new(BTreeSet::<String>::new());
    let errors: FormErrors = RwSignal::new(None);
    let retry = ServerAction::<RetryScan>::new();
    let notice = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(())) => {
            notice.set(Some(t(Key::RetryStarted)));
            follow.set(60 / REFRESH_SECS as u32);
            chosen.set(BTreeSet::new());
            errors.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => errors.set(Some(e)),
        None => {}
    });
    let send = move |all_failed: bool| {
        let input = RetryInput {
            task_id: key.get_untracked().1,
            all_failed,
            cluster_ids: if all_failed { Vec::new() } else { chosen.get_untracked().into_iter().collect() },
            scan_types: if all_failed { Vec::new() } else { types.get_untracked().into_iter().collect() },
        };
        match input.validate() {
            Ok(()) => {
                retry.dispatch(RetryScan { input });
            }
            Err(e) => errors.set(Some(e)),
        }
    };
    view! {
        <p><a href="/scans">{t(Key::BackToScans)}</a></p>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || detail.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(d) => {
                    let task = d.task.clone();
                    let is_cluster = task.task_type == "cluster_scan";
                    let total = task.scanning + task.succeeded + task.failed;
                    let done = task.succeeded + task.failed;
                    let failed_clusters: Vec<(String, String)> = d.resources.iter()
                        .filter(|r| r.status == "failed").map(|r| (r.id.clone(), r.name.clone())).collect();
                    let can_retry = is_cluster && task.task_status == "finished" && !failed_clusters.is_empty();
                    view! {
                        <h1>{if task.task_name.is_empty() { task.task_id.clone() } else { task.task_name.clone() }}</h1>
                        <p class="lead">{label(TASK_TYPES, &task.task_type)} " · "
                            <span class="badge" data-testid="task-status" data-status=task.task_status.clone()>{label(TASK_STATUSES, &task.task_status)}</span></p>
                        {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                        <section class="panel" aria-label=t(Key::Progress)>
                            <progress max=total.max(1) value=done></progress>
                            <p data-testid="task-counters">{counters(&task)}
                                {(task.task_status != "finished" && task.estimated_time > 0).then(|| format!(" · about {} min left", task.estimated_time))}</p>
                            <p class="small muted">{t(Key::ColStarted)} " " {if task.start_time > 0 { show_time(task.start_time) } else { "–".into() }}
                                {(task.end_time > 0).then(|| format!(" · ended {}", show_time(task.end_time)))}</p>
                        </section>
                        <table class="data resources" aria-label=t(Key::Results)>
                            <thead><tr>
                                {is_cluster.then(|| view! { <th></th> })}
                                <th>{if is_cluster { t(Key::ClusterName) } else { t(Key::FileName) }}</th>
                                <th>{t(Key::ColStatus)}</th><th>{t(Key::ScanItems)}</th>
                            </tr></thead>
                            <tbody>
                                {d.resources.into_iter().map(|r| {
                                    let failed = r.status == "failed";
                                    let (id, id2) = (r.id.clone(), r.id.clone());
                                    view! {
                                        <tr data-resource-id=r.id.clone() data-status=r.status.clone()>
                                            {is_cluster.then(|| view! { <td>{failed.then(|| view! {
                                                <input type="checkbox" aria-label=format!("Retry {}", r.name)
                                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                                    on:change=move |e| { let on = event_target_checked(&e); let id = id2.clone();
                                                        chosen.update(|c| { if on { c.insert(id); } else { c.remove(&id); } }); }/>
                                            })}</td> })}
                                            <td>{r.name.clone()} " " <span class="muted small">{r.kind.clone()}</span></td>
                                            <td><span class=if failed { "badge failed" } else { "badge" }>{r.status.clone()}</span>
                                                {(!r.failed_reason.is_empty()).then(|| view! { <p class="small status-detail">{r.failed_reason.clone()}</p> })}</td>
                                            <td><ul class="items">{r.items.into_iter().map(|i| view! {
                                                <li data-status=i.status.clone()>{label(SCAN_TYPES, &i.scan_type)} ": " {i.status.clone()}
                                                    {(!i.failed_reason.is_empty()).then(|| view! { <span class="status-detail">" — " {i.failed_reason.clone()}</span> })}</li>
                                            }).collect_view()}</ul></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {can_retry.then(|| view! {
                            <section class="panel" aria-label=t(Key::Retry)>
                                <h2>{t(Key::Retry)}</h2>
                                <p class="help">{t(Key::RetryHelp)}</p>
                                {SCAN_TYPES.iter().map(|(v, l)| view! {
                                    <label class="inline-choice"><input type="checkbox"
                                        prop:checked=move || types.with(|s| s.contains(*v))
                                        on:change=move |e| { let on = event_target_checked(&e);
                                            types.update(|s| { if on { s.insert(v.to_string()); } else { s.remove(*v); } }); }/>{*l}</label>
                                }).collect_view()}
                                <FieldError errors field="cluster_ids"/>
                                <FieldError errors field="scan_types"/>
                                {move || errors.get().filter(|e| e.field.is_none()).map(|error| view! { <ErrorBox error/> })}
                                <div class="toolbar">
                                    <button type="button" class="inline" disabled=move || retry.pending().get() on:click=move |_| send(false)>{t(Key::RetryChosen)}</button>
                                    <button type="button" class="inline" disabled=move || retry.pending().get() on:click=move |_| send(true)>{t(Key::RetryAllFailed)}</button>
                                </div>
                            </section>
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}
