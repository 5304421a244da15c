//! The audit log: who did what, when, from where, and what the cloud said. Everyone sees their
//! own entries; administrators see everyone's in their account. The filters live in the URL,
//! and the filtered entries export as CSV or XLSX (streamed by the server, any number of them).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query};

use crate::api::audit::audit_entries;
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::components::time::{input_time, local_time, show_time};
use crate::components::url::href;
use crate::dto::audit::{AuditAction, AuditEntry, AuditFilter, AuditResult, AUDIT_PAGE_SIZES};
use crate::error::AppError;
use crate::i18n::{t, Key, Label};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query::<AuditFilter>();
    let filter = Memo::new(move |_| {
        let f = query.get().unwrap_or_default();
        AuditFilter { limit: f.limit.filter(|l| AUDIT_PAGE_SIZES.contains(l)), ..f }
    });
    let page = Resource::new(move || filter.get(), audit_entries);
    let navigate = use_navigate();
    let go = Callback::new(move |f: AuditFilter| navigate(&href("/audit", &f), Default::default()));
    let problem = RwSignal::new(None::<AppError>);

    // The form's fields, filled from the URL; applied together on submit.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    Effect::new(move |_| {
        let f = filter.get();
        from.set(input_time(f.from));
        to.set(input_time(f.to));
        user.set(f.user.unwrap_or_default());
        target.set(f.target.unwrap_or_default());
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let times = local_time("from", &from.get_untracked())
            .and_then(|a| local_time("to", &to.get_untracked()).map(|b| (a, b)));
        match times {
            Ok((from, to)) => {
                problem.set(None);
                go.run(AuditFilter {
                    from,
                    to,
                    user: Some(user.get_untracked()).filter(|u| !u.trim().is_empty()),
                    target: Some(target.get_untracked()).filter(|u| !u.trim().is_empty()),
                    offset: None,
                    ..filter.get_untracked()
                });
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let export = move |format: &str| {
        let f = AuditFilter { offset: None, limit: None, ..filter.get() };
        href(&format!("/audit/export.{format}"), &f)
    };
    view! {
        <h1>{t(Key::NavAudit)}</h1>
        <p class="lead">{t(Key::AuditLead)}</p>
        {move || problem.get().map(|error| view! { <ErrorBox error/> })}
        <form class="filters" on:submit=apply aria-label=t(Key::AuditFilters)>
            <div>
                <label for="a-from">{t(Key::FieldFrom)}</label>
                <input id="a-from" type="datetime-local" prop:value=move || from.get()
                    on:input=move |e| from.set(event_target_value(&e))/>
            </div>
            <div>
                <label for="a-to">{t(Key::FieldUntil)}</label>
                <input id="a-to" type="datetime-local" prop:value=move || to.get()
                    on:input=move |e| to.set(event_target_value(&e))/>
            </div>
            <div>
                <label for="a-user">{t(Key::FieldUser)}</label>
                <input id="a-user" type="text" prop:value=move || user.get()
                    on:input=move |e| user.set(event_target_value(&e))/>
            </div>
            <div>
                <label for="a-action">{t(Key::FieldAction)}</label>
                <select id="a-action" prop:value=move || filter.get().action.map_or("", AuditAction::as_str)
                    on:change=move |e| go.run(AuditFilter { action: event_target_value(&e).parse().ok(), offset: None, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllActions)}</option>
                    {AuditAction::ALL.iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="a-result">{t(Key::FieldResult)}</label>
                <select id="a-result" prop:value=move || filter.get().result.map_or("", AuditResult::as_str)
                    on:change=move |e| go.run(AuditFilter { result: event_target_value(&e).parse().ok(), offset: None, ..filter.get_untracked() })>
                    <option value="">{t(Key::AllResults)}</option>
                    {AuditResult::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="a-target">{t(Key::FieldTarget)}</label>
                <input id="a-target" type="search" prop:value=move || target.get()
                    on:input=move |e| target.set(event_target_value(&e))/>
            </div>
            <button type="submit" class="inline">{t(Key::ApplyFilters)}</button>
        </form>
        <p class="export-links">
            <a href=move || export("csv") download="">{t(Key::ExportCsv)}</a>
            " · "
            <a href=move || export("xlsx") download="">{t(Key::ExportXlsx)}</a>
        </p>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || page.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(p) if p.entries.is_empty() => view! { <p class="muted">{t(Key::NoAuditEntries)}</p> }.into_any(),
                Ok(p) => {
                    let f = filter.get_untracked();
                    view! {
                        <table class="data audit" aria-label=t(Key::NavAudit)>
                            <thead><tr>
                                <th scope="col">{t(Key::ColTime)}</th>
                                <th scope="col">{t(Key::ColWho)}</th>
                                <th scope="col">{t(Key::FieldAction)}</th>
                                <th scope="col">{t(Key::FieldTarget)}</th>
                                <th scope="col">{t(Key::FieldResult)}</th>
                                <th scope="col">{t(Key::ColClient)}</th>
                                <th scope="col">{t(Key::ColRequestIds)}</th>
                            </tr></thead>
                            <tbody>{p.entries.into_iter().map(|e| view! { <Entry e/> }).collect_view()}</tbody>
                        </table>
                        <Pager offset=f.offset().into() limit=f.limit().into() total=p.total
                            on_page=Callback::new(move |o: u64| go.run(AuditFilter { offset: Some(o as u32), ..filter.get_untracked() }))/>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Entry(e: AuditEntry) -> impl IntoView {
    let href = e.href();
    let target = if e.target.name.is_empty() { e.target.id.clone() } else { e.target.name.clone() };
    let who = format!("{}/{}", e.domain_name, e.user_name);
    let result = match &e.error_code {
        Some(code) => format!("{} ({code})", e.result.label()),
        None => e.result.label().to_string(),
    };
    view! {
        <tr class=format!("result-{}", e.result.as_str())>
            <td>{show_time(e.at)}</td>
            <td><span class="mono">{who}</span> <span class="muted small">{e.region.clone()}</span></td>
            <td>{e.action.label()}</td>
            <td>{match href {
                Some(h) => view! { <a href=h>{target}</a> }.into_any(),
                None => view! { <span>{target}</span> }.into_any(),
            }}
            <details><summary class="small">{t(Key::Parameters)}</summary><pre class="mono small">{e.params.clone()}</pre></details></td>
            <td>{result}</td>
            <td class="mono small">{e.client.clone()}</td>
            <td class="mono small">{e.request_id.clone()}{e.cloud_request_id.clone().map(|c| view! { <br/>{c} })}</td>
        </tr>
    }
}
