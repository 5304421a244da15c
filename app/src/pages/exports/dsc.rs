//! The DSC classification-result export: pick the scan job, then its security levels and the
//! bucket for the file from what the cloud offers (none chosen for the user); preview the first
//! results before exporting, told which filters the preview cannot apply. Examples are masked
//! unless the user says otherwise.

use cloud::model::dsc::AssetType;
use cloud::model::hss::SortDir;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Started;
use crate::api::exports::{dsc_choices, dsc_jobs, DscPreview, ExportDsc};
use crate::components::error_box::ErrorBox;
use crate::components::form::*;
use crate::components::time::local_time;
use crate::dto::exports::*;
use crate::error::AppError;
use crate::i18n::{t, tf, Key};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Draft {
    job_id: String,
    levels: Vec<String>,
    bucket_name: String,
    keyword: String,
    asset_type: Option<AssetType>,
    asset_id: String,
    database_name: String,
    table_name: String,
    filter_bucket_name: String,
    /// Masked is the default (`false` here), so a draft from before the choice existed masks.
    unmasked: bool,
    start_time: String,
    sort: Option<SortDir>,
}

impl Draft {
    fn input(&self) -> Result<DscExportInput, AppError> {
        let input = DscExportInput {
            job_id: self.job_id.clone(),
            security_level_ids: self.levels.clone(),
            bucket_name: optional(&self.bucket_name),
            keyword: optional(&self.keyword),
            asset_type: self.asset_type,
            asset_id: optional(&self.asset_id),
            database_name: optional(&self.database_name),
            table_name: optional(&self.table_name),
            filter_bucket_name: optional(&self.filter_bucket_name),
            mask: !self.unmasked,
            start_time: local_time("start_time", &self.start_time)?,
            sort: self.sort,
        }
        .normalised();
        input.validate()?;
        Ok(input)
    }

    /// The set filters the result list, and so the preview, cannot apply.
    fn beyond_preview(&self) -> Vec<&'static str> {
        let set = [
            (!self.database_name.trim().is_empty(), Key::FieldDatabase),
            (!self.table_name.trim().is_empty(), Key::FieldTable),
            (!self.filter_bucket_name.trim().is_empty(), Key::FieldScannedBucket),
            (!self.start_time.is_empty(), Key::FieldResultsSince),
            (self.sort.is_some(), Key::FieldSort),
        ];
        set.into_iter().filter(|(on, _)| *on).map(|(_, key)| t(key)).collect()
    }
}

#[component]
pub fn DscForm(started: Started) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    keep_draft("secportal.draft.dsc", draft);
    let errors: FormErrors = RwSignal::new(None);
    let jobs = Resource::new(|| (), |_| dsc_jobs());
    let job = Memo::new(move |_| draft.with(|d| d.job_id.clone()));
    let choices = Resource::new(
        move || job.get(),
        |id| async move {
            if id.is_empty() {
                Ok(None)
            } else {
                dsc_choices(id).await.map(Some)
            }
        },
    );
    // A new job's levels differ: forget levels chosen for another job, and a bucket the cloud
    // no longer offers. No bucket is chosen for the user.
    Effect::new(move |_| {
        if let Some(Ok(Some(c))) = choices.get() {
            draft.update(|d| {
                d.levels.retain(|l| c.levels.iter().any(|x| &x.security_level_id == l));
                if !c.buckets.contains(&d.bucket_name) {
                    d.bucket_name.clear();
                }
            });
        }
    });
    let preview = ServerAction::<DscPreview>::new();
    let create = ServerAction::<ExportDsc>::new();
    let key = FormKey::new();
    started.follow(create.value(), errors, key);
    Effect::new(move |_| {
        if let Some(Err(e)) = preview.value().get() {
            errors.set(Some(e));
        }
    });
    let checked = move || passes(errors, draft.with_untracked(Draft::input));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = checked() {
            create.dispatch(ExportDsc { input, idempotency_key: key.current() });
        }
    };
    view! {
        <form class="export-form" on:submit=submit aria-label=t(Key::DscExport) novalidate>
            {view! { <fieldset>
                <legend>{t(Key::ScanJob)}</legend>
                <div class="field">
                    <label for="d-job">{t(Key::ScanJob)}</label>
                    <select id="d-job" prop:value=job on:change=move |e| draft.update(|d| d.job_id = event_target_value(&e))>
                        <option value="">{t(Key::ChooseJob)}</option>
                        <Suspense>
                            {move || jobs.get().and_then(Result::ok).map(|list| list.into_iter().map(|j| {
                                let status = j.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default();
                                view! { <option value=j.id.clone()>{format!("{} ({status})", j.name)}</option> }
                            }).collect_view())}
                        </Suspense>
                    </select>
                    <FieldError errors field="job_id"/>
                    {move || jobs.get().and_then(Result::err).map(|error| view! { <ErrorBox error/> })}
                </div>
                <Transition>
                    {move || choices.get().map(|r| match r {
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                        Ok(None) => view! { <p class="help">{t(Key::ChooseJobFirst)}</p> }.into_any(),
                        Ok(Some(c)) => view! {
                            <fieldset class="levels">
                                <legend>{t(Key::SecurityLevels)}</legend>
                                <p class="help">{t(Key::LevelsHelp)}</p>
                                {c.levels.into_iter().map(|l| {
                                    let (id, id2) = (l.security_level_id.clone(), l.security_level_id.clone());
                                    view! {
                                        <label class="inline-choice">
                                            <input type="checkbox" prop:checked=move || draft.with(|d| d.levels.contains(&id))
                                                on:change=move |e| {
                                                    let on = event_target_checked(&e);
                                                    let id = id2.clone();
                                                    draft.update(|d| { d.levels.retain(|x| *x != id); if on { d.levels.push(id); } });
                                                }/>
                                            {format!("{} ({})", l.security_level_name, l.count)}
                                        </label>
                                    }
                                }).collect_view()}
                                <FieldError errors field="security_level_ids"/>
                            </fieldset>
                            <div class="field">
                                <label for="d-bucket">{t(Key::TargetBucket)}</label>
                                <select id="d-bucket" prop:value=move || draft.with(|d| d.bucket_name.clone())
                                    on:change=move |e| draft.update(|d| d.bucket_name = event_target_value(&e))>
                                    <option value="">{t(Key::NoTargetBucket)}</option>
                                    {c.buckets.into_iter().map(|b| view! { <option value=b.clone()>{b.clone()}</option> }).collect_view()}
                                </select>
                                <p class="help">{t(Key::TargetBucketHelp)}</p>
                                <FieldError errors field="bucket_name"/>
                            </div>
                        }.into_any(),
                    })}
                </Transition>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>{t(Key::Filters)}</legend>
                <div class="grid">
                    <TextField draft lens=|d: &mut Draft| &mut d.keyword field="keyword" id="d-keyword" label=t(Key::FieldKeyword) errors maxlength=255/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.asset_type field="asset_type" id="d-asset-type"
                        label=t(Key::FieldAssetType) errors/>
                    <TextField draft lens=|d: &mut Draft| &mut d.asset_id field="asset_id" id="d-asset-id" label=t(Key::FieldAssetId) errors maxlength=128/>
                    <TextField draft lens=|d: &mut Draft| &mut d.database_name field="database_name" id="d-database"
                        label=t(Key::FieldDatabase) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.table_name field="table_name" id="d-table" label=t(Key::FieldTable) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.filter_bucket_name field="filter_bucket_name" id="d-filter-bucket"
                        label=t(Key::FieldScannedBucket) errors maxlength=255/>
                    <TextField draft lens=|d: &mut Draft| &mut d.start_time field="start_time" id="d-start-time"
                        label=t(Key::FieldResultsSince) kind="datetime-local" errors/>
                    <SelectField draft lens=|d: &mut Draft| &mut d.sort field="sort" id="d-sort" label=t(Key::FieldSort) errors/>
                </div>
                <fieldset class="choices">
                    <legend>{t(Key::MaskChoice)}</legend>
                    <label class="inline-choice">
                        <input type="radio" name="d-mask" id="d-masked" prop:checked=move || draft.with(|d| !d.unmasked)
                            on:change=move |_| draft.update(|d| d.unmasked = false)/>
                        {t(Key::MaskedDefault)}
                    </label>
                    <label class="inline-choice">
                        <input type="radio" name="d-mask" id="d-unmasked" prop:checked=move || draft.with(|d| d.unmasked)
                            on:change=move |_| draft.update(|d| d.unmasked = true)/>
                        {t(Key::NotMasked)}
                    </label>
                </fieldset>
            </fieldset> }.into_any()}
            <div class="toolbar">
                <button type="button" class="inline" disabled=move || preview.pending().get()
                    on:click=move |_| if let Some(input) = checked() { preview.dispatch(DscPreview { input }); }>
                    {t(Key::Preview)}
                </button>
                <button type="submit" class="primary inline" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { t(Key::Starting) } else { t(Key::StartExport) }}
                </button>
            </div>
            {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                <section class="panel" aria-label=t(Key::Preview)>
                    <p data-testid="preview-total">{tf(Key::ResultsMatch, &[("n", &p.total)])}</p>
                    <BeyondPreview ignored=Signal::derive(move || draft.with(Draft::beyond_preview))/>
                    <table class="data">
                        <thead><tr><th>{t(Key::ColAsset)}</th><th>{t(Key::ColObject)}</th><th>{t(Key::ColLevel)}</th><th>{t(Key::ColRules)}</th></tr></thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| view! {
                                <tr><td>{r.asset_name}</td><td><code>{r.object_full_path}</code></td>
                                    <td>{r.security_level_name}</td><td>{r.rules}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </form>
    }
}
