//! The table of tasks the exports page and the history page share, and the live feed behind it:
//! while any task runs, the page asks the portal (never the cloud) every two seconds.

use std::time::Duration;

use leptos::prelude::*;

use super::error_box::ErrorBox;
use super::follow::keep_following;
use super::time::{elapsed, show_time};
use crate::api::tasks::task_history;
use crate::dto::tasks::{HistoryFilter, HistoryPage, HistoryRow, TaskStatus};
use crate::error::AppError;
use crate::i18n::{t, Key, Label};

/// Seconds between two looks at the history while something runs.
const POLL_SECS: u32 = 2;

/// A page of the user's history that refreshes itself while any of its tasks runs (and keeps
/// trying after failed reads), and a clock (the server's time, advanced each second) for
/// elapsed times.
#[derive(Clone, Copy)]
pub struct LiveHistory {
    pub page: Resource<Result<HistoryPage, AppError>>,
    /// Bump to fetch again now (after creating a task).
    pub version: RwSignal<u32>,
    pub now: RwSignal<i64>,
    /// The last page read, shown under the error while reads fail.
    pub last_good: RwSignal<Option<HistoryPage>>,
}

pub fn live_history(filter: Memo<HistoryFilter>) -> LiveHistory {
    let version = RwSignal::new(0u32);
    let now = RwSignal::new(0i64);
    let last_good = RwSignal::new(None::<HistoryPage>);
    let page = Resource::new(move || (filter.get(), version.get()), |(f, _)| task_history(f));
    Effect::new(move |_| {
        if let Some(Ok(p)) = page.get() {
            now.set(p.server_now);
            last_good.set(Some(p));
        }
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(move || now.update(|n| *n += 1000), Duration::from_secs(1));
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    keep_following(page, version, POLL_SECS, |p: &HistoryPage| p.rows.iter().any(|r| r.status.active()));
    LiveHistory { page, version, now, last_good }
}

fn status_badge(row: &HistoryRow) -> impl IntoView {
    let class = match row.status {
        TaskStatus::Creating | TaskStatus::Checking | TaskStatus::Running => "badge running",
        TaskStatus::Success => "badge on",
        TaskStatus::Failure => "badge failed",
    };
    view! { <span class=class data-testid="export-status">{row.status.label()}</span> }
}

#[component]
pub fn TaskTable(live: LiveHistory, #[prop(optional)] empty: Option<Key>) -> impl IntoView {
    let empty = empty.unwrap_or(Key::NoExportsYet);
    view! {
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || live.page.get().map(|result| match result {
                // The page keeps trying (see `keep_following`); meanwhile the last rows stay.
                Err(error) => view! {
                    <ErrorBox error/>
                    {live.last_good.get_untracked().map(|page| rows_table(page, live.now))}
                }.into_any(),
                Ok(page) if page.rows.is_empty() => view! { <p class="muted">{t(empty)}</p> }.into_any(),
                Ok(page) => rows_table(page, live.now).into_any(),
            })}
        </Transition>
    }
}

fn rows_table(page: HistoryPage, now: RwSignal<i64>) -> impl IntoView {
    view! {
        <table class="data exports" aria-label=t(Key::Exports)>
            <thead><tr>
                <th>{t(Key::ColType)}</th>
                <th>{t(Key::ColWhat)}</th>
                <th>{t(Key::ColStatus)}</th>
                <th>{t(Key::ColStarted)}</th>
                <th>{t(Key::ColTook)}</th>
                <th>{t(Key::ColFile)}</th>
            </tr></thead>
            <tbody>
                {page.rows.into_iter().map(|row| view! { <Row row now/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Row(row: HistoryRow, now: RwSignal<i64>) -> impl IntoView {
    let (created, finished) = (row.created_at, row.finished_at);
    let took = move || elapsed(finished.unwrap_or_else(|| now.get().max(created)) - created);
    let detail = row.failure.clone().or(row.note.clone());
    let download = row.downloadable.then(|| {
        let href = format!("/exports/{}/download", row.id);
        // rel=external: a file, not a page of the app, so the router must not take the click.
        view! { <a class="button small" href=href rel="external">{t(Key::Download)}</a> }
    });
    let task_link = row.href.clone().map(|href| view! { <a class="small" href=href>{t(Key::OpenTask)}</a> });
    view! {
        <tr data-export-id=row.id.clone() data-kind=row.kind.as_str() data-status=row.status.as_str()>
            <td>{row.kind.label()}</td>
            <td>{row.summary.clone()} <span class="muted small">" · " {row.region.clone()}</span></td>
            <td>
                {status_badge(&row)}
                {detail.map(|d| view! { <p class="small status-detail" role="status">{d}</p> })}
            </td>
            <td class="small">{show_time(created)}</td>
            <td class="small">{took}</td>
            <td>
                {row.file_name.clone().map(|f| view! { <code class="small">{f}</code> " " })}
                {download}
                {task_link}
            </td>
        </tr>
    }
}
