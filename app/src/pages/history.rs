//! Every task the signed-in user created through the portal, newest first, filtered by type
//! and status (kept in the URL), paged, with live status and downloads.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query};

use crate::components::pager::Pager;
use crate::components::task_table::{live_history, TaskTable};
use crate::components::url::href;
use crate::dto::tasks::{HistoryFilter, TaskKind, TaskStatus, HISTORY_PAGE_SIZES};
use crate::i18n::{t, Key, Label};

#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query::<HistoryFilter>();
    let filter = Memo::new(move |_| {
        let f = query.get().unwrap_or_default();
        HistoryFilter { limit: f.limit.filter(|l| HISTORY_PAGE_SIZES.contains(l)), ..f }
    });
    let live = live_history(filter);
    let navigate = use_navigate();
    let go = Callback::new(move |f: HistoryFilter| navigate(&href("/history", &f), Default::default()));
    let total = move || live.page.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0);
    view! {
        <h1>{t(Key::NavHistory)}</h1>
        <p class="lead">{t(Key::HistoryLead)}</p>
        <div class="filters">
            <div>
                <label for="h-kind">{t(Key::ExportType)}</label>
                <select id="h-kind" prop:value=move || filter.get().kind.map_or("", TaskKind::as_str)
                    on:change=move |e| go.run(HistoryFilter { kind: event_target_value(&e).parse().ok(), offset: None, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllTypes)}</option>
                    {TaskKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="h-status">{t(Key::ColStatus)}</label>
                <select id="h-status" prop:value=move || filter.get().status.map_or("", TaskStatus::as_str)
                    on:change=move |e| go.run(HistoryFilter { status: event_target_value(&e).parse().ok(), offset: None, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllStatuses)}</option>
                    {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <TaskTable live empty=Key::NoExportsMatch/>
        {move || {
            let f = filter.get();
            view! {
                <Pager offset=f.offset().into() limit=f.limit().into() total=total()
                    on_page=Callback::new(move |o: u64| go.run(HistoryFilter { offset: Some(o as u32), ..filter.get_untracked() }))/>
            }
        }}
    }
}
