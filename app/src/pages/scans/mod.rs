//! HSS scan tasks: the cloud's task list (both kinds) with its filters, sorting, paging and
//! statistics; new scans; each task's page.

pub mod detail;
mod files;
pub mod new_cluster;
pub mod new_iac;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::exports::fields::{elapsed, show_time};
use crate::api::scans::scan_tasks;
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::dto::exports::label;
use crate::dto::scans::{TaskRow, TASK_PAGE_SIZES, TASK_STATUSES, TASK_TYPES, TRIGGER_TYPES};
use crate::i18n::{t, Key};

#[derive(Clone, Debug, Default, PartialEq)]
struct View {
    task_type: String,
    status: String,
    trigger: String,
    name: String,
    from: String,
    to: String,
    sort: String,
    offset: u32,
    limit: u32,
}

impl View {
    fn href(&self) -> String {
        let e = crate::dto::encode_query_value;
        format!(
            "/scans?type={}&status={}&trigger={}&name={}&from={}&to={}&sort={}&offset={}&limit={}",
            self.task_type,
            self.status,
            self.trigger,
            e(&self.name),
            e(&self.from),
            e(&self.to),
            self.sort,
            self.offset,
            self.limit
        )
    }
}

/// Counters of a task as "2 scanning · 5 done · 1 failed".
pub fn counters(t: &TaskRow) -> String {
    format!("{} scanning · {} done · {} failed", t.scanning, t.succeeded, t.failed)
}

#[component]
pub fn ScansPage() -> impl IntoView {
    let query = use_query_map();
    let view_state = Memo::new(move |_| {
        query.with(|q| View {
            task_type: q.get("type").filter(|t| t == "iac_scan").unwrap_or_else(|| "cluster_scan".into()),
            status: q.get("status").unwrap_or_default(),
            trigger: q.get("trigger").unwrap_or_default(),
            name: q.get("name").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            sort: q.get("sort").filter(|s| s == "asc" || s == "desc").unwrap_or_else(|| "desc".into()),
            offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
            limit: q
                .get("limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| TASK_PAGE_SIZES.contains(l))
                .unwrap_or(10),
        })
    });
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(
        move || (view_state.get(), refresh.get()),
        |(v, n)| async move {
            let from = super::exports::fields::local_time("create_time", &v.from).ok().flatten();
            let to = super::exports::fields::local_time("create_time", &v.to).ok().flatten();
            scan_tasks(
                v.task_type,
                Some(v.status),
                Some(v.trigger),
                Some(v.name),
                from,
                to,
                Some(v.sort),
                v.offset,
                v.limit,
                n > 0,
            )
            .await
        },
    );
    let navigate = use_navigate();
    let go = move |v: View| navigate(&v.href(), Default::default());
    // Filter inputs start from the URL and apply on submit.
    let draft = RwSignal::new(View::default());
    Effect::new(move |_| draft.set(view_state.get()));
    let apply = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            go(View { offset: 0, ..draft.get_untracked() });
        }
    };
    let go_page = go.clone();
    let select = |id: &'static str,
                  label_key: Key,
                  options: &'static [(&'static str, &'static str)],
                  get: fn(&View) -> String,
                  set: fn(&mut View, String)| {
        view! {
            <div>
                <label for=id>{t(label_key)}</label>
                <select id=id prop:value=move || draft.with(get) on:change=move |e| draft.update(|d| set(d, event_target_value(&e)))>
                    <option value="">{t(Key::Any)}</option>
                    {options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <h1>{t(Key::NavScans)}</h1>
        <p class="lead">{t(Key::ScansLead)}</p>
        <div class="toolbar">
            <A href="/scans/new-cluster" attr:class="button">{t(Key::NewClusterScan)}</A>
            <A href="/scans/new-iac" attr:class="button">{t(Key::NewIacScan)}</A>
        </div>
        <nav class="tabs" aria-label=t(Key::TaskType)>
            {TASK_TYPES.iter().map(|(v, l)| {
                let href = format!("/scans?type={v}");
                view! { <A href=href attr:class=move || if view_state.get().task_type == *v { "tab active" } else { "tab" }>{*l}</A> }
            }).collect_view()}
        </nav>
        <form class="filters" on:submit=apply aria-label=t(Key::Filters)>
            {select("s-status", Key::ColStatus, TASK_STATUSES, |v| v.status.clone(), |v, s| v.status = s)}
            {select("s-trigger", Key::Trigger, TRIGGER_TYPES, |v| v.trigger.clone(), |v, s| v.trigger = s)}
            <div><label for="s-name">{t(Key::TaskName)}</label>
                <input id="s-name" maxlength=255 prop:value=move || draft.with(|d| d.name.clone())
                    on:input=move |e| draft.update(|d| d.name = event_target_value(&e))/></div>
            <div><label for="s-from">{t(Key::CreatedFrom)}</label>
                <input id="s-from" type="datetime-local" prop:value=move || draft.with(|d| d.from.clone())
                    on:input=move |e| draft.update(|d| d.from = event_target_value(&e))/></div>
            <div><label for="s-to">{t(Key::CreatedUntil)}</label>
                <input id="s-to" type="datetime-local" prop:value=move || draft.with(|d| d.to.clone())
                    on:input=move |e| draft.update(|d| d.to = event_target_value(&e))/></div>
            <div><label for="s-sort">{t(Key::Sort)}</label>
                <select id="s-sort" prop:value=move || draft.with(|d| d.sort.clone()) on:change=move |e| draft.update(|d| d.sort = event_target_value(&e))>
                    <option value="desc">{t(Key::NewestFirst)}</option>
                    <option value="asc">{t(Key::OldestFirst)}</option>
                </select></div>
            <button type="submit" class="inline">{t(Key::Apply)}</button>
            <button type="button" class="link-button" on:click=move |_| refresh.update(|n| *n += 1)>{t(Key::Refresh)}</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || page.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(p) => {
                    let v = view_state.get_untracked();
                    let total = p.total;
                    let to_page = go_page.clone();
                    view! {
                        <dl class="stats" aria-label=t(Key::Statistics)>
                            <dt>{t(Key::StatTotal)}</dt><dd data-testid="stat-total">{p.stats.total_num}</dd>
                            <dt>{t(Key::StatRunning)}</dt><dd>{p.stats.running_num}</dd>
                            <dt>{t(Key::StatLastStart)}</dt>
                            <dd>{if p.stats.last_task_start_time > 0 { show_time(p.stats.last_task_start_time) } else { "–".into() }}</dd>
                        </dl>
                        <table class="data tasks" aria-label=t(Key::Tasks)>
                            <thead><tr><th>{t(Key::TaskName)}</th><th>{t(Key::Trigger)}</th><th>{t(Key::ColStatus)}</th>
                                <th>{t(Key::ColStarted)}</th><th>{t(Key::Progress)}</th></tr></thead>
                            <tbody>
                                {p.tasks.into_iter().map(|task| {
                                    let href = format!("/scans/{}/{}", task.task_type, task.task_id);
                                    let left = (task.task_status != "finished" && task.estimated_time > 0)
                                        .then(|| format!(" · about {} min left", task.estimated_time));
                                    let took = (task.end_time > task.start_time).then(|| format!(" · {}", elapsed(task.end_time - task.start_time)));
                                    let title = if task.task_name.is_empty() { task.task_id.clone() } else { task.task_name.clone() };
                                    let progress = counters(&task);
                                    view! {
                                        <tr data-task-id=task.task_id.clone() data-status=task.task_status.clone()>
                                            <td><A href=href>{title}</A></td>
                                            <td>{label(TRIGGER_TYPES, &task.trigger_type)}</td>
                                            <td><span class="badge">{label(TASK_STATUSES, &task.task_status)}</span></td>
                                            <td class="small">{if task.start_time > 0 { show_time(task.start_time) } else { String::new() }}</td>
                                            <td class="small">{progress}{left}{took}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager offset=v.offset.into() limit=v.limit.into() total=total.max(0) as u64
                            on_page=Callback::new(move |o: u64| to_page(View { offset: o as u32, ..v.clone() }))/>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
