//! A new cluster scan: scan types (at least one), all clusters or chosen ones from the cluster
//! list (search, paging, status and type shown, unscannable ones marked), and the console's
//! confirmation that the scan creates resources in the clusters.

use std::collections::BTreeMap;

use cloud::model::hss::ScanType;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::scans::{scan_clusters, StartClusterScan};
use crate::components::error_box::ErrorBox;
use crate::components::form::{keep_draft, passes, FieldError, FormErrors, FormKey};
use crate::components::picker::{Pick, Picker, PickerQuery};
use crate::dto::scans::{
    agent_text, ClusterRow, ClusterScanInput, Unscannable, CLUSTER_PAGE_SIZE, CREATED_RESOURCES,
};
use crate::error::AppError;
use crate::i18n::{t, tf, Key, Label};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Draft {
    scan_types: Vec<ScanType>,
    all_clusters: bool,
    /// Chosen clusters: id → name.
    chosen: BTreeMap<String, String>,
    confirmed: bool,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            scan_types: vec![ScanType::ClusterVul],
            all_clusters: false,
            chosen: BTreeMap::new(),
            confirmed: false,
        }
    }
}

impl Draft {
    fn input(&self) -> ClusterScanInput {
        ClusterScanInput {
            // In the order the API lists them, whatever order they were ticked in.
            scan_types: ScanType::ALL.iter().copied().filter(|v| self.scan_types.contains(v)).collect(),
            all_clusters: self.all_clusters,
            cluster_ids: if self.all_clusters { Vec::new() } else { self.chosen.keys().cloned().collect() },
            confirmed: self.confirmed,
        }
    }
}

#[component]
pub fn NewClusterScanPage() -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    keep_draft("secportal.draft.cluster_scan", draft);
    let errors: FormErrors = RwSignal::new(None);
    let general = RwSignal::new(None::<AppError>);
    let start = ServerAction::<StartClusterScan>::new();
    let key = FormKey::new();
    let navigate = use_navigate();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(created)) => {
            draft.set(Draft::default());
            key.renew();
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
        let input = draft.with_untracked(Draft::input);
        if let Some(input) = passes(errors, input.validate().map(|()| input)) {
            general.set(None);
            start.dispatch(StartClusterScan { input, idempotency_key: key.current() });
        }
    };
    let all = move || draft.with(|d| d.all_clusters);
    // The chosen set as the picker sees it, made here (outside the `Show` that hides the picker)
    // so the picker's rows never read a signal disposed before them.
    let chosen = Signal::derive(move || draft.with(|d| d.chosen.clone()));
    let on_change = Callback::new(move |(id, name): (String, Option<String>)| {
        draft.update(|d| match name {
            Some(name) => {
                d.chosen.insert(id, name);
            }
            None => {
                d.chosen.remove(&id);
            }
        })
    });
    view! {
        <h1>{t(Key::NewClusterScan)}</h1>
        {move || general.get().map(|error| view! { <ErrorBox error/> })}
        <form class="panel export-form" on:submit=submit aria-label=t(Key::NewClusterScan) novalidate>
            {view! { <fieldset>
                <legend>{t(Key::ScanTypes)}</legend>
                {ScanType::ALL.iter().copied().map(|v| view! {
                    <label class="inline-choice">
                        <input type="checkbox" prop:checked=move || draft.with(|d| d.scan_types.contains(&v))
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                draft.update(|d| { d.scan_types.retain(|x| *x != v); if on { d.scan_types.push(v); } });
                            }/>
                        {v.label()}
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
                    <ClusterPicker chosen on_change/>
                </Show>
                <FieldError errors field="cluster_ids"/>
            </fieldset> }.into_any()}
            <label class="inline-choice confirm">
                <input type="checkbox" prop:checked=move || draft.with(|d| d.confirmed)
                    on:change=move |e| draft.update(|d| d.confirmed = event_target_checked(&e))/>
                {tf(Key::ConfirmResources, &[("resources", &CREATED_RESOURCES)])}
            </label>
            <FieldError errors field="confirmed"/>
            <button type="submit" class="primary inline" disabled=move || start.pending().get()>{t(Key::StartScan)}</button>
        </form>
    }
}

const SEARCHES: &[(&str, Key)] = &[("cl-search", Key::ClusterName)];
const COLUMNS: &[Key] = &[Key::ClusterName, Key::ColType, Key::ColStatus, Key::Nodes, Key::Agents];

fn pick(c: &ClusterRow) -> Pick {
    Pick {
        id: c.cluster.cluster_id.clone(),
        name: c.cluster.cluster_name.clone(),
        blocked: c.unscannable.is_some(),
    }
}

fn reason(u: Unscannable, status: &str) -> String {
    match u {
        Unscannable::NotAvailable => tf(Key::ClusterNotAvailable, &[("status", &status)]),
        Unscannable::AgentNotInstalled => t(Key::AgentNotInstalled).to_string(),
    }
}

fn row(r: ClusterRow, checkbox: AnyView) -> AnyView {
    let c = r.cluster;
    let failures = c.agent_install_failed_num;
    let class = if r.unscannable.is_some() { "inactive" } else { "" };
    let why = r.unscannable.map(|u| reason(u, &c.status));
    let agent = agent_text(&c);
    view! {
        <tr data-id=c.cluster_id.clone() data-agent-failures=failures.to_string()
            class=class>
            {checkbox}
            <td>{c.cluster_name}</td>
            <td>{c.cluster_type}</td>
            <td>{c.status}
                {why.map(|why| view! { <span class="small muted">" · " {t(Key::CannotScan)} ": " {why}</span> })}</td>
            <td>{format!("{}/{}", c.active_nodes_number, c.total_nodes_number)}</td>
            <td>{agent}</td>
        </tr>
    }
    .into_any()
}

async fn fetch(q: PickerQuery) -> Result<(Vec<ClusterRow>, u64), AppError> {
    let page = scan_clusters(q.offset as u32, q.terms.into_iter().next(), q.refresh).await?;
    Ok((page.clusters, page.total.into()))
}

/// `chosen` and `on_change` belong to the form, which outlives the picker (hidden when all are
/// chosen).
#[component]
fn ClusterPicker(
    chosen: Signal<BTreeMap<String, String>>,
    on_change: Callback<(String, Option<String>)>,
) -> impl IntoView {
    view! {
        <Picker caption=Key::Clusters searches=SEARCHES columns=COLUMNS page_size=CLUSTER_PAGE_SIZE.into()
            fetch pick row chosen_label=Key::ClustersChosen
            chosen on_change/>
    }
}
