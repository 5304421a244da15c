//! Every export the signed-in user created through the portal, newest first, filtered by type
//! and status (kept in the URL), paged, with live status and downloads.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::exports::table::{kind_options, live_history, status_options, ExportTable, Filter};
use crate::components::pager::Pager;
use crate::dto::exports::{TaskKind, TaskStatus, HISTORY_PAGE_SIZES};
use crate::i18n::{t, Key};

fn href(f: &Filter) -> String {
    format!("/history?kind={}&status={}&offset={}&limit={}", f.kind, f.status, f.offset, f.limit)
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| Filter {
            kind: q.get("kind").filter(|k| TaskKind::parse(k).is_some()).unwrap_or_default(),
            status: q.get("status").filter(|s| TaskStatus::parse(s).is_some()).unwrap_or_default(),
            offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
            limit: q
                .get("limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| HISTORY_PAGE_SIZES.contains(l))
                .unwrap_or(20),
        })
    });
    let live = live_history(filter);
    let navigate = use_navigate();
    let go = move |f: Filter| navigate(&href(&f), Default::default());
    let (go1, go2, go3) = (go.clone(), go.clone(), go);
    let total = move || live.page.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0);
    view! {
        <h1>{t(Key::NavHistory)}</h1>
        <p class="lead">{t(Key::HistoryLead)}</p>
        <div class="filters">
            <div>
                <label for="h-kind">{t(Key::ExportType)}</label>
                <select id="h-kind" prop:value=move || filter.get().kind
                    on:change=move |e| go1(Filter { kind: event_target_value(&e), offset: 0, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllTypes)}</option>
                    {kind_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="h-status">{t(Key::ColStatus)}</label>
                <select id="h-status" prop:value=move || filter.get().status
                    on:change=move |e| go2(Filter { status: event_target_value(&e), offset: 0, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllStatuses)}</option>
                    {status_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <ExportTable live empty=Key::NoExportsMatch/>
        {move || {
            let (f, go) = (filter.get(), go3.clone());
            view! {
                <Pager offset=f.offset.into() limit=f.limit.into() total=total()
                    on_page=Callback::new(move |o: u64| go(Filter { offset: o as u32, ..filter.get_untracked() }))/>
            }
        }}
    }
}
