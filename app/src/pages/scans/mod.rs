//! HSS scan tasks: the cloud's task list (both kinds) with its filters, sorting, paging and
//! statistics; new scans; each task's page.

pub mod detail;
mod files;
pub mod new_cluster;
pub mod new_iac;

use cloud::model::hss::{IacFileType, ScanType, SortDir, Task, TaskStatus, TaskType, TriggerType};
use cloud::model::WireEnum;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query};

use crate::api::scans::scan_tasks;
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::components::time::{elapsed, input_time, local_time, show_time};
use crate::components::url::href;
use crate::dto::scans::{counters, TaskFilter, TASK_PAGE_SIZES};
use crate::i18n::{t, tf, Key, Label, SeenLabel};

/// A task's progress as "2 scanning · 5 done · 1 failed".
pub fn progress(task: &Task) -> String {
    let c = counters(task);
    tf(Key::Counters, &[("scanning", &c.scanning), ("done", &c.succeeded), ("failed", &c.failed)])
}

/// " · about 3 min left" while the cloud estimates one.
pub fn time_left(task: &Task) -> Option<String> {
    (task.task_status != TaskStatus::Finished && task.estimated_time > 0)
        .then(|| format!(" · {}", tf(Key::MinutesLeft, &[("n", &task.estimated_time)])))
}

/// The name a task is shown by: its name, or its id when it has none.
pub fn title(task: &Task) -> String {
    if task.task_name.is_empty() {
        task.task_id.clone()
    } else {
        task.task_name.clone()
    }
}

/// A filter's select over one of the cloud's enums, bound to the filter being edited.
fn select<E: WireEnum + Label>(
    draft: RwSignal<TaskFilter>,
    id: &'static str,
    label: Key,
    get: fn(&TaskFilter) -> Option<E>,
    set: fn(&mut TaskFilter, Option<E>),
) -> impl IntoView {
    view! {
        <div>
            <label for=id>{t(label)}</label>
            <select id=id prop:value=move || draft.with(|d| get(d).map_or("", E::as_str))
                on:change=move |e| draft.update(|d| set(d, E::from_wire(&event_target_value(&e))))>
                <option value="">{t(Key::Any)}</option>
                {E::ALL.iter().map(|v| view! { <option value=v.as_str()>{v.label()}</option> }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn ScansPage() -> impl IntoView {
    let query = use_query::<TaskFilter>();
    let filter = Memo::new(move |_| {
        let f = query.get().unwrap_or_default();
        TaskFilter { limit: f.limit.filter(|l| TASK_PAGE_SIZES.contains(l)), ..f }
    });
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(move || (filter.get(), refresh.get()), |(f, n)| scan_tasks(f, n > 0));
    let navigate = use_navigate();
    let go = Callback::new(move |f: TaskFilter| navigate(&href("/scans", &f), Default::default()));
    // Filter inputs start from the URL and apply on submit; times are typed in local time.
    let draft = RwSignal::new(TaskFilter::default());
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        let f = filter.get();
        from.set(input_time(f.created_from));
        to.set(input_time(f.created_to));
        draft.set(f);
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let created_from = local_time("created_from", &from.get_untracked()).ok().flatten();
        let created_to = local_time("created_to", &to.get_untracked()).ok().flatten();
        go.run(TaskFilter { offset: None, created_from, created_to, ..draft.get_untracked() });
    };
    view! {
        <h1>{t(Key::NavScans)}</h1>
        <p class="lead">{t(Key::ScansLead)}</p>
        <div class="toolbar">
            <A href="/scans/new-cluster" attr:class="button">{t(Key::NewClusterScan)}</A>
            <A href="/scans/new-iac" attr:class="button">{t(Key::NewIacScan)}</A>
        </div>
        <nav class="tabs" aria-label=t(Key::TaskType)>
            {TaskType::ALL.iter().map(|v| {
                let link = href("/scans", &TaskFilter { task_type: Some(*v), ..Default::default() });
                view! { <A href=link attr:class=move || if filter.get().task_type() == *v { "tab active" } else { "tab" }>{v.label()}</A> }
            }).collect_view()}
        </nav>
        <form class="filters" on:submit=apply aria-label=t(Key::Filters)>
            {select::<TaskStatus>(draft, "s-status", Key::ColStatus, |f| f.task_status, |f, v| f.task_status = v)}
            {select::<TriggerType>(draft, "s-trigger", Key::Trigger, |f| f.trigger_type, |f, v| f.trigger_type = v)}
            {move || match filter.get().task_type() {
                TaskType::ClusterScan => select::<ScanType>(draft, "s-item", Key::ScanItem, |f| f.scan_type, |f, v| f.scan_type = v).into_any(),
                TaskType::IacScan => select::<IacFileType>(draft, "s-file-type", Key::FileType, |f| f.file_type, |f, v| f.file_type = v).into_any(),
            }}
            <div><label for="s-id">{t(Key::TaskId)}</label>
                <input id="s-id" maxlength=64 class="mono" prop:value=move || draft.with(|d| d.task_id.clone().unwrap_or_default())
                    on:input=move |e| draft.update(|d| d.task_id = Some(event_target_value(&e)).filter(|s| !s.is_empty()))/></div>
            <div><label for="s-name">{t(Key::TaskName)}</label>
                <input id="s-name" maxlength=255 prop:value=move || draft.with(|d| d.task_name.clone().unwrap_or_default())
                    on:input=move |e| draft.update(|d| d.task_name = Some(event_target_value(&e)).filter(|s| !s.is_empty()))/></div>
            <div><label for="s-from">{t(Key::CreatedFrom)}</label>
                <input id="s-from" type="datetime-local" prop:value=from on:input=move |e| from.set(event_target_value(&e))/></div>
            <div><label for="s-to">{t(Key::CreatedUntil)}</label>
                <input id="s-to" type="datetime-local" prop:value=to on:input=move |e| to.set(event_target_value(&e))/></div>
            <div><label for="s-sort">{t(Key::Sort)}</label>
                <select id="s-sort" prop:value=move || draft.with(|d| d.sort_dir().as_str())
                    on:change=move |e| draft.update(|d| d.sort_dir = event_target_value(&e).parse().ok())>
                    {SortDir::ALL.iter().rev().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select></div>
            <button type="submit" class="inline">{t(Key::Apply)}</button>
            <button type="button" class="link-button" on:click=move |_| refresh.update(|n| *n += 1)>{t(Key::Refresh)}</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || page.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(p) => {
                    let f = filter.get_untracked();
                    view! {
                        <dl class="stats" aria-label=t(Key::Statistics)>
                            <dt>{t(Key::StatTotal)}</dt><dd data-testid="stat-total">{p.stats.total_num}</dd>
                            <dt>{t(Key::StatRunning)}</dt><dd>{p.stats.running_num}</dd>
                            <dt>{t(Key::StatLastStart)}</dt>
                            <dd>{if p.stats.last_task_start_time > 0 { show_time(p.stats.last_task_start_time) } else { "–".into() }}</dd>
                        </dl>
                        <table class="data tasks" aria-label=t(Key::Tasks)>
                            <thead><tr><th>{t(Key::TaskName)}</th><th>{t(Key::ScanItems)}</th><th>{t(Key::Trigger)}</th><th>{t(Key::ColStatus)}</th>
                                <th>{t(Key::ColStarted)}</th><th>{t(Key::Progress)}</th></tr></thead>
                            <tbody>
                                {p.tasks.into_iter().map(|task| view! { <TaskListRow task/> }).collect_view()}
                            </tbody>
                        </table>
                        <Pager offset=f.offset().into() limit=f.limit().into() total=p.total.max(0) as u64
                            on_page=Callback::new(move |o: u64| go.run(TaskFilter { offset: Some(o as u32), ..f.clone() }))/>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// What a task scans: its scan items (cluster scans) or its file type (IaC scans), as the cloud
/// names them when the portal does not know the value.
fn items(task: &Task) -> String {
    match (&task.cluster_scan_info, &task.iac_scan_info) {
        (Some(c), _) => c.scan_type_list.iter().map(SeenLabel::label).collect::<Vec<_>>().join(", "),
        (None, Some(i)) => i.file_type.as_ref().map(SeenLabel::label).unwrap_or_default(),
        (None, None) => String::new(),
    }
}

#[component]
fn TaskListRow(task: Task) -> impl IntoView {
    let href = format!("/scans/{}/{}", task.task_type, task.task_id);
    let took =
        (task.end_time > task.start_time).then(|| format!(" · {}", elapsed(task.end_time - task.start_time)));
    let name = title(&task);
    view! {
        <tr data-task-id=task.task_id.clone() data-status=task.task_status.as_str().to_string()>
            <td><A href=href>{name}</A><br/><span class="mono small muted">{task.task_id.clone()}</span></td>
            <td class="small">{items(&task)}</td>
            <td>{task.trigger_type.as_ref().map(SeenLabel::label)}</td>
            <td><span class="badge">{task.task_status.label()}</span></td>
            <td class="small">{if task.start_time > 0 { show_time(task.start_time) } else { String::new() }}</td>
            <td class="small">{progress(&task)}{time_left(&task)}{took}</td>
        </tr>
    }
}
