//! The local-image vulnerability export: choose images from the local image list (search,
//! paging, several at once) or take all that match the filters.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::fields::*;
use super::Started;
use crate::api::exports::{local_images, ExportLocalVuls};
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::dto::exports::*;
use crate::error::AppError;
use crate::i18n::{t, Key};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Draft {
    export_size: String,
    /// Chosen images: id → "name:version", kept across pages and searches.
    chosen: BTreeMap<String, String>,
    operate_all: bool,
    vul_type: String,
    handle_status: String,
    scan_status: String,
    image_name: String,
    image_version: String,
    has_container: String,
    update_start: String,
    update_end: String,
    scan_start: String,
    scan_end: String,
    vul_ids: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            export_size: "10000".into(),
            chosen: BTreeMap::new(),
            operate_all: false,
            vul_type: String::new(),
            handle_status: String::new(),
            scan_status: String::new(),
            image_name: String::new(),
            image_version: String::new(),
            has_container: String::new(),
            update_start: String::new(),
            update_end: String::new(),
            scan_start: String::new(),
            scan_end: String::new(),
            vul_ids: String::new(),
        }
    }
}

impl Draft {
    fn input(&self) -> Result<LocalVulExportInput, AppError> {
        let input = LocalVulExportInput {
            export_size: number("export_size", &self.export_size)?
                .ok_or_else(|| AppError::invalid("export_size", "required: 1 to 100000"))?,
            image_ids: self.chosen.keys().cloned().collect(),
            operate_all: self.operate_all,
            vul_type: optional(&self.vul_type),
            handle_status: optional(&self.handle_status),
            scan_status: optional(&self.scan_status),
            image_name: optional(&self.image_name),
            image_version: optional(&self.image_version),
            has_container: tri_state(&self.has_container),
            update_start: local_time("latest_update_time", &self.update_start)?,
            update_end: local_time("latest_update_time", &self.update_end)?,
            scan_start: local_time("latest_scan_time", &self.scan_start)?,
            scan_end: local_time("latest_scan_time", &self.scan_end)?,
            vul_ids: self.vul_ids.split([',', '\n', ' ']).map(str::to_string).collect(),
        }
        .normalised();
        input.validate()?;
        Ok(input)
    }
}

const HAS_CONTAINER: &[(&str, &str)] = &[("true", "Used by containers"), ("false", "Not used by containers")];

#[component]
pub fn ImagesForm(started: Started) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    keep_draft("secportal.draft.images", draft);
    let errors: FormErrors = RwSignal::new(None);
    let create = ServerAction::<ExportLocalVuls>::new();
    started.follow(create.value(), errors);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = passes(errors, draft.with_untracked(Draft::input)) {
            create.dispatch(ExportLocalVuls { input });
        }
    };
    let all = move || draft.with(|d| d.operate_all);
    view! {
        <form class="export-form" on:submit=submit aria-label=t(Key::ImagesExport) novalidate>
            {view! { <fieldset>
                <legend>{t(Key::Images)}</legend>
                <div class="choice" role="radiogroup" aria-label=t(Key::Images)>
                    <label class="inline-choice">
                        <input type="radio" name="image-scope" prop:checked=move || !all()
                            on:change=move |_| draft.update(|d| d.operate_all = false)/>
                        {t(Key::ChosenImages)}
                    </label>
                    <label class="inline-choice">
                        <input type="radio" name="image-scope" prop:checked=all
                            on:change=move |_| draft.update(|d| d.operate_all = true)/>
                        {t(Key::AllMatchingImages)}
                    </label>
                </div>
                <Show when=move || !all()>
                    <ImagePicker draft/>
                </Show>
                <FieldError errors field="image_ids"/>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>{t(Key::Filters)}</legend>
                <div class="grid">
                    <SelectField draft lens=|d: &mut Draft| &mut d.vul_type field="vul_type" id="i-vul-type"
                        label=t(Key::FieldVulnerabilityType) errors options=VUL_TYPES/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.handle_status field="handle_status" id="i-handle-status"
                        label=t(Key::FieldHandling) errors options=HANDLE_STATUSES/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.scan_status field="scan_status" id="i-scan-status"
                        label=t(Key::FieldImageScanStatus) errors options=SCAN_STATUSES/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.has_container field="has_container" id="i-has-container"
                        label=t(Key::ColContainers) errors options=HAS_CONTAINER/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_name field="image_name" id="i-image-name"
                        label=t(Key::SearchName) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_version field="image_version" id="i-image-version"
                        label=t(Key::FieldImageVersion) errors maxlength=64/>
                    <TextField draft lens=|d: &mut Draft| &mut d.update_start field="latest_update_time" id="i-update-start"
                        label=t(Key::FieldUpdatedFrom) kind="datetime-local" errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.update_end field="latest_update_time_end" id="i-update-end"
                        label=t(Key::FieldUpdatedUntil) kind="datetime-local" errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.scan_start field="latest_scan_time" id="i-scan-start"
                        label=t(Key::FieldScannedFrom) kind="datetime-local" errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.scan_end field="latest_scan_time_end" id="i-scan-end"
                        label=t(Key::FieldScannedUntil) kind="datetime-local" errors/>
                </div>
                <TextField draft lens=|d: &mut Draft| &mut d.vul_ids field="vul_ids" id="i-vul-ids"
                    label=t(Key::FieldOnlyTheseVulnerabilities) errors help=t(Key::HelpVulIds)/>
            </fieldset> }.into_any()}
            <TextField draft lens=|d: &mut Draft| &mut d.export_size field="export_size" id="i-export-size"
                label=t(Key::FieldExportSize) kind="number" min=1 max=MAX_EXPORT_SIZE errors help=t(Key::HelpExportSizeRequired)/>
            <button type="submit" class="primary inline" disabled=move || create.pending().get()>
                {move || if create.pending().get() { t(Key::Starting) } else { t(Key::StartExport) }}
            </button>
        </form>
    }
}

#[component]
fn ImagePicker(draft: RwSignal<Draft>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    // The search that is applied, and the page.
    let applied = RwSignal::new((String::new(), String::new(), 0u32, false));
    let page = Resource::new(
        move || applied.get(),
        |(n, v, offset, refresh)| local_images(offset, Some(n), Some(v), refresh),
    );
    let search =
        move |refresh: bool| applied.set((name.get_untracked(), version.get_untracked(), 0, refresh));
    let toggle = move |id: String, title: String, on: bool| {
        draft.update(|d| {
            if on {
                d.chosen.insert(id, title);
            } else {
                d.chosen.remove(&id);
            }
        })
    };
    view! {
        <div class="picker">
            <div class="filters">
                <SearchInput id="img-search-name" label=t(Key::SearchName) value=name on_search=Callback::new(move |_| search(false))/>
                <SearchInput id="img-search-version" label=t(Key::SearchVersion) value=version on_search=Callback::new(move |_| search(false))/>
                <button type="button" class="inline" on:click=move |_| search(false)>{t(Key::Search)}</button>
                <button type="button" class="link-button" on:click=move |_| search(true)>{t(Key::RefreshList)}</button>
            </div>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let offset = applied.with_untracked(|a| a.2);
                        let total = p.total;
                        view! {
                            <table class="data" aria-label=t(Key::LocalImages)>
                                <thead><tr><th></th><th>{t(Key::ColImage)}</th><th>{t(Key::ColVersion)}</th>
                                    <th>{t(Key::ColScan)}</th><th>{t(Key::ColVulnerabilities)}</th><th>{t(Key::ColContainers)}</th></tr></thead>
                                <tbody>
                                    {p.images.into_iter().map(|i| {
                                        let (id, id2) = (i.image_id.clone(), i.image_id.clone());
                                        let title = format!("{}:{}", i.image_name, i.image_version);
                                        let aria = format!("Choose {title}");
                                        view! {
                                            <tr data-image-id=i.image_id.clone()>
                                                <td><input type="checkbox" aria-label=aria
                                                    prop:checked=move || draft.with(|d| d.chosen.contains_key(&id))
                                                    on:change=move |e| toggle(id2.clone(), title.clone(), event_target_checked(&e))/></td>
                                                <td>{i.image_name.clone()}</td>
                                                <td>{i.image_version.clone()}</td>
                                                <td>{i.scan_status.clone()}</td>
                                                <td>{i.vul_num} " " <span class="muted small">{i.severity_level.clone()}</span></td>
                                                <td>{i.container_num}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager offset=offset.into() limit=IMAGE_PAGE_SIZE as u64 total=total.max(0) as u64
                                on_page=Callback::new(move |o: u64| applied.update(|a| { a.2 = o as u32; a.3 = false; }))/>
                        }.into_any()
                    }
                })}
            </Transition>
            <ChosenChips count_label=Key::ImagesChosen
                chosen=Signal::derive(move || draft.with(|d| d.chosen.clone().into_iter().collect()))
                on_remove=Callback::new(move |id: String| draft.update(|d| { d.chosen.remove(&id); }))/>
        </div>
    }
}
