//! The local-image vulnerability export: choose images from the local image list (search,
//! paging, several at once) or take all that match the filters.

use std::collections::BTreeMap;

use cloud::model::hss::{HandleStatus, ImageScanStatus, LocalImage, VulType, MAX_EXPORT_SIZE};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Started;
use crate::api::exports::{local_images, ExportLocalVuls};
use crate::components::form::*;
use crate::components::picker::{Pick, Picker, PickerQuery};
use crate::components::time::local_time;
use crate::dto::exports::*;
use crate::error::AppError;
use crate::i18n::{t, tf, Key};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Draft {
    export_size: String,
    /// Chosen images: id → "name:version", kept across pages and searches.
    chosen: BTreeMap<String, String>,
    operate_all: bool,
    vul_type: Option<VulType>,
    handle_status: Option<HandleStatus>,
    scan_status: Option<ImageScanStatus>,
    image_name: String,
    image_version: String,
    image_size: String,
    has_container: Option<bool>,
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
            vul_type: None,
            handle_status: None,
            scan_status: None,
            image_name: String::new(),
            image_version: String::new(),
            image_size: String::new(),
            has_container: None,
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
            export_size: number("export_size", &self.export_size)?.ok_or_else(|| {
                AppError::invalid(
                    "export_size",
                    tf(Key::HelpExportSizeRequired, &[("max", &MAX_EXPORT_SIZE)]),
                )
            })?,
            image_ids: self.chosen.keys().cloned().collect(),
            operate_all: self.operate_all,
            vul_type: self.vul_type,
            handle_status: self.handle_status,
            scan_status: self.scan_status,
            image_name: optional(&self.image_name),
            image_version: optional(&self.image_version),
            image_size: number("image_size", &self.image_size)?,
            has_container: self.has_container,
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

#[component]
pub fn ImagesForm(started: Started) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    keep_draft("secportal.draft.images", draft);
    let errors: FormErrors = RwSignal::new(None);
    let create = ServerAction::<ExportLocalVuls>::new();
    let key = FormKey::new();
    started.follow(create.value(), errors, key);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = passes(errors, draft.with_untracked(Draft::input)) {
            create.dispatch(ExportLocalVuls { input, idempotency_key: key.current() });
        }
    };
    let all = move || draft.with(|d| d.operate_all);
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
                    <ImagePicker chosen on_change narrow=Signal::derive(move || draft.with(narrowing))/>
                </Show>
                <FieldError errors field="image_ids"/>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>{t(Key::Filters)}</legend>
                <div class="grid">
                    <SelectField draft lens=|d: &mut Draft| &mut d.vul_type field="vul_type" id="i-vul-type"
                        label=t(Key::FieldVulnerabilityType) errors/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.handle_status field="handle_status" id="i-handle-status"
                        label=t(Key::FieldHandling) errors/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.scan_status field="scan_status" id="i-scan-status"
                        label=t(Key::FieldImageScanStatus) errors/>
                    <BoolField draft lens=|d: &mut Draft| &mut d.has_container field="has_container" id="i-has-container"
                        label=t(Key::ColContainers) errors yes=Key::UsedByContainers no=Key::NotUsedByContainers/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_name field="image_name" id="i-image-name"
                        label=t(Key::SearchName) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_version field="image_version" id="i-image-version"
                        label=t(Key::FieldImageVersion) errors maxlength=64/>
                    <TextField draft lens=|d: &mut Draft| &mut d.image_size field="image_size" id="i-image-size"
                        label=t(Key::FieldImageSize) kind="number" errors/>
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
                label=t(Key::FieldExportSize) kind="number" min=1 max=MAX_EXPORT_SIZE errors
                help=tf(Key::HelpExportSizeRequired, &[("max", &MAX_EXPORT_SIZE)])/>
            <button type="submit" class="primary inline" disabled=move || create.pending().get()>
                {move || if create.pending().get() { t(Key::Starting) } else { t(Key::StartExport) }}
            </button>
        </form>
    }
}

const SEARCHES: &[(&str, Key)] =
    &[("img-search-name", Key::SearchName), ("img-search-version", Key::SearchVersion)];
const COLUMNS: &[Key] =
    &[Key::ColImage, Key::ColVersion, Key::ColScan, Key::ColVulnerabilities, Key::ColContainers];

fn pick(i: &LocalImage) -> Pick {
    Pick { id: i.image_id.clone(), name: format!("{}:{}", i.image_name, i.image_version), blocked: false }
}

fn row(i: LocalImage, checkbox: AnyView) -> AnyView {
    view! {
        <tr data-id=i.image_id.clone()>
            {checkbox}
            <td>{i.image_name}</td>
            <td>{i.image_version}</td>
            <td>{i.scan_status}</td>
            <td>{i.vul_num} " " <span class="muted small">{i.severity_level}</span></td>
            <td>{i.container_num}</td>
        </tr>
    }
    .into_any()
}

/// The export form's filters the image list takes too: scan status and container use.
fn narrowing(d: &Draft) -> Vec<String> {
    let n = ImageNarrowing::of(d.scan_status, d.has_container);
    vec![n.scan_status.unwrap_or_default(), n.has_container.map(|h| h.to_string()).unwrap_or_default()]
}

async fn fetch(q: PickerQuery) -> Result<(Vec<LocalImage>, u64), AppError> {
    let mut terms = q.terms.into_iter();
    let mut narrow = q.narrow.into_iter();
    let scan_status = narrow.next().filter(|s| !s.is_empty());
    let has_container = narrow.next().and_then(|h| h.parse().ok());
    let page =
        local_images(q.offset as u32, terms.next(), terms.next(), scan_status, has_container, q.refresh)
            .await?;
    Ok((page.images, page.total.max(0) as u64))
}

/// `chosen` and `on_change` belong to the form, which outlives the picker (hidden when all are
/// chosen).
#[component]
fn ImagePicker(
    chosen: Signal<BTreeMap<String, String>>,
    on_change: Callback<(String, Option<String>)>,
    narrow: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        <Picker caption=Key::LocalImages searches=SEARCHES columns=COLUMNS page_size=IMAGE_PAGE_SIZE as u64
            fetch pick row chosen_label=Key::ImagesChosen
            chosen on_change narrow/>
    }
}
