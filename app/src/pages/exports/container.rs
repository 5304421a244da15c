//! The container export: filters, export size, and the column picker where the user chooses,
//! renames and orders the columns (the last set used is offered again).

use cloud::model::hss::{
    ContainerStatus, ExportClusterType, ExportHeaderKey, MAX_EXPORT_SIZE, MAX_HEADER_TITLE,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Started;
use crate::api::exports::{cluster_names, container_columns, ContainerPreview as Preview, ExportContainers};
use crate::components::form::*;
use crate::components::time::local_time;
use crate::dto::exports::*;
use crate::error::AppError;
use crate::i18n::{t, tf, Key, Label};

/// The form as typed: numbers and times stay text until sent, so nothing typed is lost to
/// parsing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    export_size: String,
    columns: Vec<Column>,
    cluster_container: Option<bool>,
    cluster_type: Option<ExportClusterType>,
    cluster_name: String,
    container_name: String,
    pod_name: String,
    image_name: String,
    status: Option<ContainerStatus>,
    risky: Option<bool>,
    create_start: String,
    create_end: String,
    cpu_limit: String,
    memory_limit: String,
}

impl Draft {
    /// The set filters the container list, and so the preview, cannot apply.
    fn beyond_preview(&self) -> Vec<&'static str> {
        let set = [
            (self.cluster_type.is_some(), Key::FieldClusterType),
            (!self.cluster_name.trim().is_empty(), Key::FieldClusterName),
            (self.status.is_some(), Key::FieldContainerStatus),
            (self.risky.is_some(), Key::FieldRisk),
            (!self.create_start.is_empty() || !self.create_end.is_empty(), Key::CreatedFrom),
            (!self.cpu_limit.trim().is_empty(), Key::FieldCpuLimit),
            (!self.memory_limit.trim().is_empty(), Key::FieldMemoryLimit),
        ];
        set.into_iter().filter(|(on, _)| *on).map(|(_, key)| t(key)).collect()
    }

    fn input(&self) -> Result<ContainerExportInput, AppError> {
        let input = ContainerExportInput {
            export_size: number("export_size", &self.export_size)?,
            columns: self.columns.clone(),
            cluster_container: self.cluster_container,
            cluster_type: self.cluster_type,
            cluster_name: optional(&self.cluster_name),
            container_name: optional(&self.container_name),
            pod_name: optional(&self.pod_name),
            image_name: optional(&self.image_name),
            status: self.status,
            risky: self.risky,
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
    let preview = ServerAction::<Preview>::new();
    let key = FormKey::new();
    started.follow(create.value(), errors, key);
    Effect::new(move |_| {
        if let Some(Err(e)) = preview.value().get() {
            errors.set(Some(e));
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = passes(errors, draft.with_untracked(Draft::input)) {
            create.dispatch(ExportContainers { input, idempotency_key: key.current() });
        }
    };
    view! {
        <form class="export-form" on:submit=submit aria-label=t(Key::ContainerExport) novalidate>
            <ColumnPicker draft errors/>
            {view! { <fieldset>
                <legend>{t(Key::Filters)}</legend>
                <div class="grid">
                    <BoolField draft lens=|d: &mut Draft| &mut d.cluster_container field="cluster_container" id="c-cluster-container"
                        label=t(Key::FieldClusterMembership) errors yes=Key::OnlyInCluster no=Key::OnlyOutsideCluster/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.cluster_type field="cluster_type" id="c-cluster-type"
                        label=t(Key::FieldClusterType) errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.cluster_name field="cluster_name" id="c-cluster-name"
                        label=t(Key::FieldClusterName) errors maxlength=255 list="cluster-names" help=t(Key::HelpPartialName)/>
                    <TextField draft lens=|d: &mut Draft| &mut d.container_name field="container_name" id="c-container-name"
                        label=t(Key::FieldContainerName) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.pod_name field="pod_name" id="c-pod-name"
                        label=t(Key::FieldPodName) errors maxlength=512/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_name field="image_name" id="c-image-name"
                        label=t(Key::SearchName) errors maxlength=255/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.status field="status" id="c-status"
                        label=t(Key::FieldContainerStatus) errors/>
                    <BoolField draft lens=|d: &mut Draft| &mut d.risky field="risky" id="c-risky"
                        label=t(Key::FieldRisk) errors yes=Key::OnlyRisky no=Key::OnlyClean/>
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
                help=tf(Key::HelpExportSizeOptional, &[("max", &MAX_EXPORT_SIZE)])/>
            <div class="toolbar">
                <button type="button" class="inline" disabled=move || preview.pending().get()
                    on:click=move |_| if let Some(input) = passes(errors, draft.with_untracked(Draft::input)) {
                        preview.dispatch(Preview { input });
                    }>
                    {t(Key::Preview)}
                </button>
                <button type="submit" class="primary inline" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { t(Key::Starting) } else { t(Key::StartExport) }}
                </button>
            </div>
            {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                <section class="panel" aria-label=t(Key::Preview)>
                    <p data-testid="container-preview-total">{tf(Key::ContainersMatch, &[("n", &p.total)])}</p>
                    <BeyondPreview ignored=Signal::derive(move || draft.with(Draft::beyond_preview))/>
                    <table class="data">
                        <thead><tr><th>{t(Key::HeaderContainerName)}</th><th>{t(Key::HeaderPodName)}</th>
                            <th>{t(Key::HeaderImageName)}</th><th>{t(Key::HeaderClusterName)}</th><th>{t(Key::HeaderStatus)}</th></tr></thead>
                        <tbody>
                            {p.rows.into_iter().map(|c| view! {
                                <tr><td>{c.container_name}</td><td>{c.pod_name}</td><td>{c.image_name}</td>
                                    <td>{c.cluster_name}</td><td>{c.status}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </form>
    }
}

/// Chosen columns in order, each with its title; add, remove and move with buttons (keyboard
/// friendly, no dragging needed).
#[component]
fn ColumnPicker(draft: RwSignal<Draft>, errors: FormErrors) -> impl IntoView {
    let adding = RwSignal::new(None::<ExportHeaderKey>);
    let unchosen = move || {
        draft.with(|d| {
            ExportHeaderKey::ALL
                .iter()
                .copied()
                .filter(|k| !d.columns.iter().any(|c| c.key == *k))
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        if let Some(key) = adding.get_untracked().or_else(|| unchosen().first().copied()) {
            draft.update(|d| d.columns.push(Column::titled(key)));
            adding.set(None);
        }
    };
    view! {
        <fieldset class="columns">
            <legend>{t(Key::Columns)}</legend>
            <p class="help">{t(Key::ColumnsHelp)}</p>
            <ol class="column-list" aria-label=t(Key::ChosenColumns)>
                <For each=move || draft.with(|d| d.columns.iter().map(|c| c.key).collect::<Vec<_>>())
                    key=|k| *k let:key>
                    <ColumnRow draft key/>
                </For>
            </ol>
            <div class="toolbar">
                <label class="inline-label" for="add-column">{t(Key::AddColumn)}</label>
                <select id="add-column" prop:value=move || adding.get().map_or("", ExportHeaderKey::as_str)
                    on:change=move |e| adding.set(event_target_value(&e).parse().ok())>
                    {move || unchosen().into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <button type="button" class="inline" on:click=add disabled=move || unchosen().is_empty()>{t(Key::Add)}</button>
                <button type="button" class="link-button"
                    on:click=move |_| draft.update(|d| d.columns = ExportHeaderKey::ALL.iter().map(|k| Column::titled(*k)).collect())>
                    {t(Key::AllColumns)}
                </button>
            </div>
            <FieldError errors field="columns"/>
        </fieldset>
    }
}

/// One chosen column: its title, and buttons to move or remove it.
#[component]
fn ColumnRow(draft: RwSignal<Draft>, key: ExportHeaderKey) -> impl IntoView {
    let name = key.label();
    let shift = move |by: isize| {
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
        <li data-column=key.as_str()>
            <span class="column-key">{name}</span>
            <input class="column-title" maxlength=MAX_HEADER_TITLE aria-label=tf(Key::ColumnTitle, &[("name", &name)])
                prop:value=move || draft.with(|d| d.columns.iter().find(|c| c.key == key).map(|c| c.title.clone()).unwrap_or_default())
                on:input=move |e| {
                    let v = event_target_value(&e);
                    draft.update(|d| if let Some(c) = d.columns.iter_mut().find(|c| c.key == key) { c.title = v });
                }/>
            <button type="button" class="icon" aria-label=tf(Key::MoveUp, &[("name", &name)]) on:click=move |_| shift(-1)>"↑"</button>
            <button type="button" class="icon" aria-label=tf(Key::MoveDown, &[("name", &name)]) on:click=move |_| shift(1)>"↓"</button>
            <button type="button" class="link-button danger" aria-label=tf(Key::RemoveItem, &[("name", &name)])
                on:click=move |_| draft.update(|d| d.columns.retain(|c| c.key != key))>{t(Key::Remove)}</button>
        </li>
    }
}
