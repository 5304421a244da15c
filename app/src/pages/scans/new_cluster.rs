//! A new cluster scan: scan types (at least one), all clusters or chosen ones from the cluster
//! list (search, paging, status and type shown, unscannable ones marked), and the console's
//! confirmation that the scan creates resources in the clusters.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::scans::{scan_clusters, StartClusterScan};
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::dto::scans::{ClusterScanInput, CLUSTER_PAGE_SIZE, CREATED_RESOURCES, SCAN_TYPES};
use crate::error::AppError;
use crate::i18n::{t, Key};
use crate::pages::exports::fields::{keep_draft, passes, ChosenChips, FieldError, FormErrors, SearchInput};

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Draft {
    scan_types: Vec<String>,
    all_clusters: bool,
    /// Chosen clusters: id → name.
    chosen: BTreeMap<String, String>,
    confirmed: bool,
}

#[component]
pub fn NewClusterScanPage() -> impl IntoView {
    let draft = RwSignal::new(Draft { scan_types: vec!["cluster_vul".into()], ..Default::default() });
    keep_draft("secportal.draft.cluster_scan", draft);
    let errors: FormErrors = RwSignal::new(None);
    let general = RwSignal::new(None::<AppError>);
    let start = ServerAction::<StartClusterScan>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(created)) => {
            draft.set(Draft { scan_types: vec!["cluster_vul".into()], ..Default::default() });
            if let Some(href) = created.row.href {
                navigate(&href, Default::default());
            }
        }
        Some(Err(e)) if e.field.is_some() => errors.set(Some(e)),
        Some(Err(e)) => general.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = draft.with_untracked(|d| ClusterScanInput {
            scan_types: SCAN_TYPES
                .iter()
                .map(|(v, _)| v.to_string())
                .filter(|v| d.scan_types.contains(v))
                .collect(),
            all_clusters: d.all_clusters,
            cluster_ids: if d.all_clusters { Vec::new() } else { d.chosen.keys().cloned().collect() },
            confirmed: d.confirmed,
        });
        if let Some(input) = passes(errors, input.validate().map(|()| input)) {
            general.set(None);
            start.dispatch(StartClusterScan { input });
        }
    };
    let all = move || draft.with(|d| d.all_clusters);
    view! {
        <h1>{t(Key::NewClusterScan)}</h1>
        {move || general.get().map(|error| view! { <ErrorBox error/> })}
        <form class="panel export-form" on:submit=submit aria-label=t(Key::NewClusterScan) novalidate>
            {view! { <fieldset>
                <legend>{t(Key::ScanTypes)}</legend>
                {SCAN_TYPES.iter().map(|(v, l)| view! {
                    <label class="inline-choice">
                        <input type="checkbox" prop:checked=move || draft.with(|d| d.scan_types.iter().any(|x| x == v))
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                draft.update(|d| { d.scan_types.retain(|x| x != v); if on { d.scan_types.push(v.to_string()); } });
                            }/>
                        {*l}
                    </label>
                }).collect_view()}
                <FieldError errors field="scan_types"/>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>{t(Key::Clusters)}</legend>
                <label class="inline-choice">
                    <input type="radio" name="scope" prop:checked=all on:change=move |_| draft.update(|d| d.all_clusters = true)/>
                    {t(Key::AllClusters)}
                </label>
                <label class="inline-choice">
                    <input type="radio" name="scope" prop:checked=move || !all() on:change=move |_| draft.update(|d| d.all_clusters = false)/>
                    {t(Key::SpecificClusters)}
                </label>
                <Show when=move || !all()>
                    <ClusterPicker draft/>
                </Show>
                <FieldError errors field="cluster_ids"/>
            </fieldset> }.into_any()}
            <label class="inline-choice confirm">
                <input type="checkbox" prop:checked=move || draft.with(|d| d.confirmed)
                    on:change=move |e| draft.update(|d| d.confirmed = event_target_checked(&e))/>
                {format!("{} {CREATED_RESOURCES} {}", t(Key::ConfirmResourcesBefore), t(Key::ConfirmResourcesAfter))}
            </label>
            <FieldError errors field="confirmed"/>
            <button type="submit" class="primary inline" disabled=move || start.pending().get()>{t(Key::StartScan)}</button>
        </form>
    }
}

#[component]
fn ClusterPicker(draft: RwSignal<Draft>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), 0u32, false));
    let page =
        Resource::new(move || applied.get(), |(n, offset, refresh)| scan_clusters(offset, Some(n), refresh));
    let search = move |refresh: bool| applied.set((name.get_untracked(), 0, refresh));
    view! {
        <div class="picker">
            <div class="filters">
                <SearchInput id="cl-search" label=t(Key::ClusterName) value=name on_search=Callback::new(move |_| search(false))/>
                <button type="button" class="inline" on:click=move |_| search(false)>{t(Key::Search)}</button>
                <button type="button" class="link-button" on:click=move |_| search(true)>{t(Key::RefreshList)}</button>
            </div>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let offset = applied.with_untracked(|a| a.1);
                        let total = p.total;
                        view! {
                            <table class="data" aria-label=t(Key::Clusters)>
                                <thead><tr><th></th><th>{t(Key::ClusterName)}</th><th>{t(Key::ColType)}</th><th>{t(Key::ColStatus)}</th>
                                    <th>{t(Key::Nodes)}</th><th>{t(Key::Agents)}</th></tr></thead>
                                <tbody>
                                    {p.clusters.into_iter().map(|c| {
                                        let (id, id2, name) = (c.cluster_id.clone(), c.cluster_id.clone(), c.cluster_name.clone());
                                        let blocked = c.unscannable.clone();
                                        let row_class = if blocked.is_some() { "inactive" } else { "" };
                                        let disabled = blocked.is_some();
                                        view! {
                                            <tr data-cluster-id=c.cluster_id.clone() data-agent-failures=c.agent_failures.to_string()
                                                class=row_class>
                                                <td><input type="checkbox" aria-label=format!("Choose {}", c.cluster_name)
                                                    disabled=disabled
                                                    prop:checked=move || draft.with(|d| d.chosen.contains_key(&id))
                                                    on:change=move |e| {
                                                        let on = event_target_checked(&e);
                                                        let (id, name) = (id2.clone(), name.clone());
                                                        draft.update(|d| { if on { d.chosen.insert(id, name); } else { d.chosen.remove(&id); } });
                                                    }/></td>
                                                <td>{c.cluster_name.clone()}</td>
                                                <td>{c.cluster_type.clone()}</td>
                                                <td>{c.status.clone()} {blocked.map(|b| view! { <span class="small muted">" · " {t(Key::CannotScan)} ": " {b}</span> })}</td>
                                                <td>{c.nodes.clone()}</td>
                                                <td>{if c.agent_failures > 0 { format!("{} {}", c.agent_failures, t(Key::AgentFailures)) } else { t(Key::AgentsOk).to_string() }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager offset=offset.into() limit=CLUSTER_PAGE_SIZE.into() total=total.into()
                                on_page=Callback::new(move |o: u64| applied.update(|a| { a.1 = o as u32; a.2 = false; }))/>
                        }.into_any()
                    }
                })}
            </Transition>
            <ChosenChips count_label=Key::ClustersChosen
                chosen=Signal::derive(move || draft.with(|d| d.chosen.clone().into_iter().collect()))
                on_remove=Callback::new(move |id: String| draft.update(|d| { d.chosen.remove(&id); }))/>
        </div>
    }
}
