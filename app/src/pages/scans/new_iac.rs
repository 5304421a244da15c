//! A new IaC scan: the file type, files dropped or picked (listed with their size, removable,
//! checked for type, size and count before anything is sent), uploaded through the portal to
//! HSS, then scanned together with any files uploaded earlier that the user ticks.

use std::collections::BTreeMap;

use cloud::model::hss::{IacFileType, IacScanSource, MAX_FILES, MAX_FILE_BYTES};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::files::{upload_form, Picked};
use crate::api::scans::{iac_files, start_iac_scan, upload_iac_files};
use crate::components::error_box::ErrorBox;
use crate::components::form::{FieldError, FormErrors, FormKey};
use crate::components::pager::Pager;
use crate::components::time::show_time;
use crate::dto::scans::{check_files, IacScanInput, FILE_PAGE_SIZE};
use crate::error::AppError;
use crate::i18n::{t, tf, Key, Label};

fn size(n: usize) -> String {
    if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

#[component]
pub fn NewIacScanPage() -> impl IntoView {
    let file_type = RwSignal::new(IacFileType::K8sYaml);
    let picked = RwSignal::new(Vec::<Picked>::new());
    // Files uploaded earlier that the user ticked: id → name.
    let earlier = RwSignal::new(BTreeMap::<String, String>::new());
    let errors: FormErrors = RwSignal::new(None);
    let general = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let key = FormKey::new();
    let navigate = use_navigate();

    let add = move |_files: wasm_bindgen_or_unit::Files| {
        #[cfg(feature = "hydrate")]
        {
            let list = super::files::list(&_files);
            picked.update(|p| {
                for (name, size, handle) in list {
                    p.retain(|x| x.name != name);
                    p.push(Picked { name, size, handle: send_wrapper::SendWrapper::new(handle) });
                }
            });
            errors.set(None);
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let kind = file_type.get_untracked();
        let files = picked.get_untracked();
        let chosen: Vec<String> = earlier.with_untracked(|e| e.keys().cloned().collect());
        let sizes: Vec<(String, usize)> = files.iter().map(|f| (f.name.clone(), f.size)).collect();
        if !files.is_empty() {
            if let Err(e) = check_files(kind, &sizes) {
                errors.set(Some(e));
                return;
            }
        }
        // Files still to upload stand in for their future ids in the check.
        let ids = if files.is_empty() { chosen.clone() } else { vec!["upload".into()] };
        if let Err(e) = (IacScanInput { file_type: kind, file_ids: ids }).validate() {
            errors.set(Some(e));
            return;
        }
        errors.set(None);
        general.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let outcome: Result<Option<String>, AppError> = async {
                let mut ids = chosen;
                if !files.is_empty() {
                    let form = upload_form(kind, &files).ok_or_else(|| {
                        AppError::invalid("files", tf(Key::ErrFileUnreadable, &[("why", &"FormData")]))
                    })?;
                    let uploaded = upload_iac_files(form).await?;
                    ids.extend(uploaded.into_iter().map(|u| u.file_id));
                }
                let created =
                    start_iac_scan(IacScanInput { file_type: kind, file_ids: ids }, key.current()).await?;
                Ok(created.row.href)
            }
            .await;
            busy.set(false);
            match outcome {
                Ok(href) => {
                    key.renew();
                    picked.set(Vec::new());
                    earlier.set(BTreeMap::new());
                    if let Some(href) = href {
                        navigate(&href, Default::default());
                    }
                }
                Err(e) if e.field.is_some() => errors.set(Some(e)),
                Err(e) => general.set(Some(e)),
            }
        });
    };
    // Fetched in the browser only: the list is not part of the server-rendered page.
    // Pages through every earlier file, by hand or from CI/CD; ticks survive paging.
    let (source, files_offset) = (RwSignal::new(IacScanSource::ManualScan), RwSignal::new(0u32));
    let uploaded_before =
        LocalResource::new(move || iac_files(file_type.get(), files_offset.get(), Some(source.get())));
    view! {
        <h1>{t(Key::NewIacScan)}</h1>
        {move || general.get().map(|error| view! { <ErrorBox error/> })}
        <form class="panel export-form" on:submit=submit aria-label=t(Key::NewIacScan) novalidate>
            <div class="field">
                <label for="iac-type">{t(Key::FileType)}</label>
                <select id="iac-type" prop:value=move || file_type.get().as_str()
                    on:change=move |e| {
                        if let Ok(kind) = event_target_value(&e).parse() {
                            file_type.set(kind);
                            earlier.set(BTreeMap::new());
                            files_offset.set(0);
                        }
                    }>
                    {IacFileType::ALL.iter().map(|v| view! { <option value=v.as_str()>{v.label()}</option> }).collect_view()}
                </select>
                <FieldError errors field="file_type"/>
            </div>
            {view! { <fieldset>
                <legend>{t(Key::FilesToUpload)}</legend>
                <div class="dropzone"
                    on:dragover=move |e| e.prevent_default()
                    on:drop=move |e: leptos::ev::DragEvent| {
                        e.prevent_default();
                        let _ = add;
                        #[cfg(feature = "hydrate")]
                        {
                            if let Ok(dt) = js_sys::Reflect::get(&e, &"dataTransfer".into()) {
                                if let Ok(files) = js_sys::Reflect::get(&dt, &"files".into()) { add(files) }
                            }
                        }
                    }>
                    <label for="iac-files">{t(Key::DropOrPick)}</label>
                    <input id="iac-files" type="file" multiple
                        on:change=move |e| {
                            #[cfg(feature = "hydrate")]
                            {
                                if let Some(target) = e.target() {
                                    if let Ok(files) = js_sys::Reflect::get(&target, &"files".into()) { add(files) }
                                    // Picking the same file again must fire change again.
                                    let _ = js_sys::Reflect::set(&target, &"value".into(), &"".into());
                                }
                            }
                            let _ = (&e, add);
                        }/>
                    <p class="help">{tf(Key::FilesLimit, &[("files", &MAX_FILES), ("kib", &(MAX_FILE_BYTES / 1024))])}</p>
                </div>
                <ul class="picked" aria-label=t(Key::PickedFiles)>
                    {move || picked.get().into_iter().map(|f| {
                        let name = f.name.clone();
                        view! { <li><span class="mono">{f.name.clone()}</span> " " <span class="muted small">{size(f.size)}</span> " "
                            <button type="button" class="link-button danger" aria-label=tf(Key::RemoveItem, &[("name", &f.name)])
                                on:click=move |_| picked.update(|p| p.retain(|x| x.name != name))>{t(Key::Remove)}</button></li> }
                    }).collect_view()}
                </ul>
                <FieldError errors field="files"/>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>{t(Key::UploadedBefore)}</legend>
                <div class="field">
                    <label for="iac-source">{t(Key::FileSource)}</label>
                    <select id="iac-source" prop:value=move || source.get().as_str()
                        on:change=move |e| if let Ok(s) = event_target_value(&e).parse() { source.set(s); files_offset.set(0); }>
                        {IacScanSource::ALL.iter().map(|v| view! { <option value=v.as_str()>{v.label()}</option> }).collect_view()}
                    </select>
                </div>
                // No Suspense here: the list is rendered in the browser only (a local resource),
                // so there is nothing to hydrate.
                {move || match uploaded_before.get() {
                        None => view! { <p class="loading">{t(Key::Loading)}</p> }.into_any(),
                        Some(r) => match r {
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                        Ok(page) if page.files.is_empty() => view! { <p class="muted">{t(Key::NoFilesYet)}</p> }.into_any(),
                        Ok(page) => view! {
                            <p class="help">{tf(Key::FilesUploadedBefore, &[("n", &page.total)])}</p>
                            {page.files.into_iter().map(|f| {
                                let (id, id2, name) = (f.file_id.clone(), f.file_id.clone(), f.file_name.clone());
                                view! { <label class="inline-choice">
                                    <input type="checkbox" prop:checked=move || earlier.with(|e| e.contains_key(&id))
                                        on:change=move |e| { let on = event_target_checked(&e); let (id, n) = (id2.clone(), name.clone());
                                            earlier.update(|m| { if on { m.insert(id, n); } else { m.remove(&id); } }); }/>
                                    {f.file_name.clone()} <span class="muted small">{show_time(f.upload_file_time)}</span>
                                    " " {if f.risky {
                                        view! { <span class="badge failed">{tf(Key::FileRisky, &[("n", &f.risk_num)])}</span> }.into_any()
                                    } else {
                                        view! { <span class="muted small">{t(Key::FileNoRisk)}</span> }.into_any()
                                    }}
                                </label> }
                            }).collect_view()}
                            <Pager offset=files_offset.get_untracked().into() limit=FILE_PAGE_SIZE.into() total=page.total.max(0) as u64
                                on_page=Callback::new(move |o: u64| files_offset.set(o as u32))/>
                        }.into_any(),
                    },
                }}
                <FieldError errors field="file_ids"/>
            </fieldset> }.into_any()}
            <button type="submit" class="primary inline" disabled=move || busy.get()>
                {move || if busy.get() { t(Key::Starting) } else { t(Key::UploadAndScan) }}
            </button>
        </form>
    }
}

/// The file list handed from an input or a drop: a `FileList` in the browser, nothing on the
/// server (which never reads files).
mod wasm_bindgen_or_unit {
    #[cfg(feature = "hydrate")]
    pub type Files = wasm_bindgen::JsValue;
    #[cfg(not(feature = "hydrate"))]
    pub type Files = ();
}
