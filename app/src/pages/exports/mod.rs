//! The exports page: one tab per export (the tab is in the URL, so a sign-in in between comes
//! back to the same form), and the user's recent exports with their live status below.

mod container;
mod dsc;
mod images;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::components::error_box::ErrorBox;
use crate::components::form::{FormErrors, FormKey};
use crate::components::task_table::{live_history, LiveHistory, TaskTable};
use crate::dto::tasks::{Created, HistoryFilter};
use crate::error::AppError;
use crate::i18n::{t, Key};

/// What a form reports back to the page once the cloud took (or refused) an export.
#[derive(Clone, Copy)]
pub struct Started {
    notice: RwSignal<Option<String>>,
    general: RwSignal<Option<AppError>>,
    live: LiveHistory,
}

impl Started {
    /// Follows a create action: on success a notice and a fresh list; on failure the error
    /// under its field, or above the form when it names none.
    fn follow<S>(self, value: S, errors: FormErrors, key: FormKey)
    where
        S: Get<Value = Option<Result<Created, AppError>>> + Send + Sync + 'static,
    {
        Effect::new(move |_| match value.get() {
            Some(Ok(created)) => {
                let notice = match created.record_total_num {
                    Some(n) => crate::i18n::tf(Key::ExportStartedRecords, &[("n", &n)]),
                    None => t(Key::ExportStarted).to_string(),
                };
                self.notice.set(Some(notice));
                key.renew();
                self.general.set(None);
                errors.set(None);
                self.live.version.update(|v| *v += 1);
            }
            Some(Err(e)) => {
                self.notice.set(None);
                if e.field.is_some() {
                    errors.set(Some(e));
                } else {
                    self.general.set(Some(e));
                }
            }
            None => {}
        });
    }
}

const FORMS: &[(&str, Key)] =
    &[("containers", Key::ContainerExport), ("images", Key::ImagesExport), ("dsc", Key::DscExport)];

#[component]
pub fn ExportsPage() -> impl IntoView {
    let query = use_query_map();
    let form = Memo::new(move |_| {
        query
            .with(|q| q.get("form"))
            .filter(|f| FORMS.iter().any(|(n, _)| n == f))
            .unwrap_or_else(|| "containers".into())
    });
    let filter = Memo::new(|_| HistoryFilter { limit: Some(10), ..Default::default() });
    let live = live_history(filter);
    let started = Started { notice: RwSignal::new(None), general: RwSignal::new(None), live };
    // A new tab starts without the last tab's messages.
    Effect::new(move |_| {
        form.track();
        started.notice.set(None);
        started.general.set(None);
    });
    view! {
        <h1>{t(Key::NavExports)}</h1>
        <p class="lead">{t(Key::ExportsLead)}</p>
        <nav class="tabs" aria-label=t(Key::ExportType)>
            {FORMS.iter().map(|(name, key)| {
                let href = format!("/exports?form={name}");
                let current = move || (form.get() == *name).then_some("page");
                view! { <A href=href attr:class=move || if form.get() == *name { "tab active" } else { "tab" }
                    attr:aria-current=current>{t(*key)}</A> }
            }).collect_view()}
        </nav>
        {move || started.notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {move || started.general.get().map(|error| view! { <ErrorBox error/> })}
        <section class="panel">
            {move || match form.get().as_str() {
                "images" => view! { <images::ImagesForm started/> }.into_any(),
                "dsc" => view! { <dsc::DscForm started/> }.into_any(),
                _ => view! { <container::ContainerForm started/> }.into_any(),
            }}
        </section>
        <h2>{t(Key::RecentExports)}</h2>
        <p class="help">{t(Key::RecentExportsHelp)} " " <A href="/history">{t(Key::NavHistory)}</A></p>
        <TaskTable live/>
    }
}
