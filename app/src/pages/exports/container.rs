//! The container export: filters, export size, and the column picker where the user chooses,
//! renames and orders the columns (the last set used is offered again).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::fields::*;
use super::Started;
use crate::api::exports::{cluster_names, container_columns, ExportContainers};
use crate::dto::exports::*;
use crate::error::AppError;
use crate::i18n::{t, Key};

/// The form as typed: text until sent, so nothing typed is lost to parsing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    export_size: String,
    columns: Vec<Column>,
    cluster_container: String,
    cluster_type: String,
    cluster_name: String,
    container_name: String,
    pod_name: String,
    image_name: String,
    status: String,
    risky: String,
    create_start: String,
    create_end: String,
    cpu_limit: String,
    memory_limit: String,
}

impl Draft {
    fn input(&self) -> Result<ContainerExportInput, AppError> {
        let input = ContainerExportInput {
            export_size: number("export_size", &self.export_size)?,
            columns: self.columns.clone(),
            cluster_container: tri_state(&self.cluster_container),
            cluster_type: optional(&self.cluster_type),
            cluster_name: optional(&self.cluster_name),
            container_name: optional(&self.container_name),
            pod_name: optional(&self.pod_name),
            image_name: optional(&self.image_name),
            status: optional(&self.status),
            risky: tri_state(&self.risky),
            create_start: local_time("create_time", &self.create_start)?,
            create_end: local_time("create_time", &self.create_end)?,
            cpu_limit: optional(&self.cpu_limit),
            memory_limit: optional(&self.memory_limit),
        }
        .normalised();
        input.validate()?;
        Ok(input)
    }
}

const IN_CLUSTER: &[(&str, &str)] =
    &[("true", "Only containers in a cluster"), ("false", "Only containers outside clusters")];
const RISKY: &[(&str, &str)] =
    &[("true", "Only risky containers"), ("false", "Only containers without risks")];

#[component]
pub fn ContainerForm(started: Started) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    keep_draft("secportal.draft.containers", draft);
    let errors: FormErrors = RwSignal::new(None);
    let saved = Resource::new(|| (), |_| container_columns());
    Effect::new(move |_| {
        if let Some(Ok(columns)) = saved.get() {
            if draft.with_untracked(|d| d.columns.is_empty()) {
                draft.update(|d| d.columns = columns);
            }
        }
    });
    let clusters = Resource::new(|| (), |_| cluster_names());
    let create = ServerAction::<ExportContainers>::new();
    started.follow(create.value(), errors);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = passes(errors, draft.with_untracked(Draft::input)) {
            create.dispatch(ExportContainers { input });
        }
    };
    view! {
        <form class="export-form" on:submit=submit aria-label=t(Key::ContainerExport) novalidate>
            <ColumnPicker draft errors/>
            {view! { <fieldset>
                <legend>{t(Key::Filters)}</legend>
                <div class="grid">
                    <SelectField draft lens=|d: &mut Draft| &mut d.cluster_container field="cluster_container" id="c-cluster-container"
                        label=t(Key::FieldClusterMembership) errors options=IN_CLUSTER/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.cluster_type field="cluster_type" id="c-cluster-type"
                        label=t(Key::FieldClusterType) errors options=CLUSTER_TYPES/>
                    <TextField draft lens=|d: &mut Draft| &mut d.cluster_name field="cluster_name" id="c-cluster-name"
                        label=t(Key::FieldClusterName) errors maxlength=255 list="cluster-names" help=t(Key::HelpPartialName)/>
                    <TextField draft lens=|d: &mut Draft| &mut d.container_name field="container_name" id="c-container-name"
                        label=t(Key::FieldContainerName) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.pod_name field="pod_name" id="c-pod-name"
                        label=t(Key::FieldPodName) errors maxlength=512/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_name field="image_name" id="c-image-name"
                        label=t(Key::SearchName) errors maxlength=255/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.status field="status" id="c-status"
                        label=t(Key::FieldContainerStatus) errors options=CONTAINER_STATUSES/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.risky field="risky" id="c-risky"
                        label=t(Key::FieldRisk) errors options=RISKY/>
                    <TextField draft lens=|d: &mut Draft| &mut d.create_start field="create_time" id="c-create-start"
                        label=t(Key::CreatedFrom) kind="datetime-local" errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.create_end field="create_time_end" id="c-create-end"
                        label=t(Key::CreatedUntil) kind="datetime-local" errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.cpu_limit field="cpu_limit" id="c-cpu-limit"
                        label=t(Key::FieldCpuLimit) errors maxlength=64 placeholder="100m" help=t(Key::HelpCpuLimit)/>
                    <TextField draft lens=|d: &mut Draft| &mut d.memory_limit field="memory_limit" id="c-memory-limit"
                        label=t(Key::FieldMemoryLimit) errors maxlength=64 placeholder="300Mi" help=t(Key::HelpMemoryLimit)/>
                </div>
                <datalist id="cluster-names">
                    <Suspense>
                        {move || clusters.get().and_then(Result::ok).map(|list| list.into_iter()
                            .map(|c| view! { <option value=c.name.clone()>{c.cluster_type.clone()}</option> })
                            .collect_view())}
                    </Suspense>
                </datalist>
            </fieldset> }.into_any()}
            <TextField draft lens=|d: &mut Draft| &mut d.export_size field="export_size" id="c-export-size"
                label=t(Key::FieldExportSize) kind="number" min=1 max=MAX_EXPORT_SIZE errors
                placeholder="100000" help=t(Key::HelpExportSizeOptional)/>
            <button type="submit" class="primary inline" disabled=move || create.pending().get()>
                {move || if create.pending().get() { t(Key::Starting) } else { t(Key::StartExport) }}
            </button>
        </form>
    }
}

/// Chosen columns in order, each with its title; add, remove and move with buttons (keyboard
/// friendly, no dragging needed).
#[component]
fn ColumnPicker(draft: RwSignal<Draft>, errors: FormErrors) -> impl IntoView {
    let adding = RwSignal::new(String::new());
    let unchosen = move || {
        draft.with(|d| {
            HEADER_KEYS
                .iter()
                .filter(|(k, _)| !d.columns.iter().any(|c| c.key == *k))
                .copied()
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let key = adding.get_untracked();
        let key = if key.is_empty() {
            unchosen().first().map(|(k, _)| k.to_string()).unwrap_or_default()
        } else {
            key
        };
        if !key.is_empty() {
            draft.update(|d| d.columns.push(Column { title: label(HEADER_KEYS, &key).to_string(), key }));
            adding.set(String::new());
        }
    };
    let shift = move |key: &str, by: isize| {
        draft.update(|d| {
            if let Some(i) = d.columns.iter().position(|c| c.key == key) {
                let j = i as isize + by;
                if j >= 0 && (j as usize) < d.columns.len() {
                    d.columns.swap(i, j as usize);
                }
            }
        })
    };
    view! {
        <fieldset class="columns">
            <legend>{t(Key::Columns)}</legend>
            <p class="help">{t(Key::ColumnsHelp)}</p>
            <ol class="column-list" aria-label=t(Key::ChosenColumns)>
                <For each=move || draft.with(|d| d.columns.iter().map(|c| c.key.clone()).collect::<Vec<_>>())
                    key=|k| k.clone() let:key>
                    {
                        let name = label(HEADER_KEYS, &key);
                        let (k1, k2, k3, k4, k5) = (key.clone(), key.clone(), key.clone(), key.clone(), key.clone());
                        view! {
                            <li data-column=key.clone()>
                                <span class="column-key">{name}</span>
                                <input class="column-title" maxlength=MAX_TITLE aria-label=format!("Title of column {name}")
                                    prop:value=move || draft.with(|d| d.columns.iter().find(|c| c.key == k1).map(|c| c.title.clone()).unwrap_or_default())
                                    on:input=move |e| {
                                        let v = event_target_value(&e);
                                        draft.update(|d| if let Some(c) = d.columns.iter_mut().find(|c| c.key == k2) { c.title = v });
                                    }/>
                                <button type="button" class="icon" aria-label=format!("Move {name} up") on:click=move |_| shift(&k3, -1)>"↑"</button>
                                <button type="button" class="icon" aria-label=format!("Move {name} down") on:click=move |_| shift(&k4, 1)>"↓"</button>
                                <button type="button" class="link-button danger" aria-label=format!("Remove {name}")
                                    on:click=move |_| draft.update(|d| d.columns.retain(|c| c.key != k5))>{t(Key::Remove)}</button>
                            </li>
                        }
                    }
                </For>
            </ol>
            <div class="toolbar">
                <label class="inline-label" for="add-column">{t(Key::AddColumn)}</label>
                <select id="add-column" prop:value=adding on:change=move |e| adding.set(event_target_value(&e))>
                    {move || unchosen().into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                </select>
                <button type="button" class="inline" on:click=add disabled=move || unchosen().is_empty()>{t(Key::Add)}</button>
                <button type="button" class="link-button" on:click=move |_| draft.update(|d| d.columns = HEADER_KEYS.iter()
                    .map(|(k, l)| Column { key: k.to_string(), title: l.to_string() }).collect())>{t(Key::AllColumns)}</button>
            </div>
            <FieldError errors field="columns"/>
        </fieldset>
    }
}
