//! Form pieces the export forms share: labelled inputs bound to a draft, the error under the
//! field it names, drafts kept in the tab's session storage (so a sign-in in between loses no
//! input), and the browser's local date-times as epoch milliseconds.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::AppError;

/// The last error of a form; a field shows it when it names that field.
pub type FormErrors = RwSignal<Option<AppError>>;

/// A draft's text field, read and written through one accessor.
pub type Lens<T> = fn(&mut T) -> &mut String;

pub fn read<T: Clone>(draft: &T, lens: Lens<T>) -> String {
    let mut copy = draft.clone();
    lens(&mut copy).clone()
}

/// The message under a field, when the last error names it.
#[component]
pub fn FieldError(errors: FormErrors, field: &'static str) -> impl IntoView {
    let id = format!("{field}-error");
    move || {
        errors.with(|e| {
            e.as_ref()
                .filter(|e| e.field.as_deref() == Some(field))
                .map(|e| view! { <p class="field-error" id=id.clone() role="alert">{e.message.clone()}</p> })
        })
    }
}

/// The input when it passes the form's rules; otherwise the error is shown by the field it names.
pub fn passes<I>(errors: FormErrors, input: Result<I, AppError>) -> Option<I> {
    match input {
        Ok(input) => {
            errors.set(None);
            Some(input)
        }
        Err(e) => {
            errors.set(Some(e));
            None
        }
    }
}

/// What a picker has chosen (id and what to call it), as chips that remove themselves, and
/// how many.
#[component]
pub fn ChosenChips(
    count_label: crate::i18n::Key,
    chosen: Signal<Vec<(String, String)>>,
    on_remove: Callback<String>,
) -> impl IntoView {
    view! {
        <p class="chosen" aria-live="polite">
            {move || chosen.with(|c| format!("{} {}", c.len(), crate::i18n::t(count_label)))}
            {move || chosen.get().into_iter().map(|(id, name)| view! {
                <span class="chip">{name.clone()}
                    <button type="button" class="link-button" aria-label=format!("Remove {name}")
                        on:click=move |_| on_remove.run(id.clone())>"×"</button></span>
            }).collect_view()}
        </p>
    }
    .into_any()
}

/// A picker's search box: Enter searches the list instead of submitting the form around it.
#[component]
pub fn SearchInput(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    on_search: Callback<()>,
) -> impl IntoView {
    view! {
        <div><label for=id>{label}</label>
            <input id=id prop:value=value on:input=move |e| value.set(event_target_value(&e))
                on:keydown=move |e| if e.key() == "Enter" { e.prevent_default(); on_search.run(()) }/></div>
    }
    .into_any()
}

/// A labelled input bound to a draft field. `kind` is the input type (text, number,
/// datetime-local); `list` names a datalist of suggestions.
#[component]
pub fn TextField<T: Clone + Send + Sync + 'static>(
    draft: RwSignal<T>,
    lens: Lens<T>,
    /// The API's name for the field, which errors use.
    field: &'static str,
    /// Unique within the page.
    id: &'static str,
    label: &'static str,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] min: Option<i64>,
    #[prop(optional)] max: Option<i64>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> AnyView {
    let described = format!("{field}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=kind min=min max=max maxlength=maxlength list=list placeholder=placeholder
                aria-describedby=described
                aria-invalid=move || errors.with(|e| e.as_ref().is_some_and(|e| e.field.as_deref() == Some(field))).to_string()
                prop:value=move || draft.with(|d| read(d, lens))
                on:input=move |e| draft.update(|d| *lens(d) = event_target_value(&e))/>
            {help.map(|h| view! { <p class="help">{h}</p> })}
            <FieldError errors field/>
        </div>
    }
    // Erased: a form of many fields otherwise builds a type too deep for the wasm build.
    .into_any()
}

/// A labelled select over an option list, with a first "any" choice meaning no filter.
#[component]
pub fn SelectField<T: Clone + Send + Sync + 'static>(
    draft: RwSignal<T>,
    lens: Lens<T>,
    field: &'static str,
    id: &'static str,
    label: &'static str,
    errors: FormErrors,
    options: &'static [(&'static str, &'static str)],
    #[prop(default = "Any")] any: &'static str,
) -> AnyView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id
                prop:value=move || draft.with(|d| read(d, lens))
                on:change=move |e| draft.update(|d| *lens(d) = event_target_value(&e))>
                <option value="">{any}</option>
                {options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
            </select>
            <FieldError errors field/>
        </div>
    }
    .into_any()
}

/// A yes/no/any select's value ("", "true", "false").
pub fn tri_state(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A whole number typed into `field`, or an error naming it.
pub fn number(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| AppError::invalid(field, "a whole number"))
}

/// A `datetime-local` value (the browser's time zone) as epoch milliseconds.
pub fn local_time(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(s)).get_time();
        if ms.is_finite() {
            return Ok(Some(ms as i64));
        }
    }
    Err(AppError::invalid(field, "a date and time"))
}

/// Epoch milliseconds in the browser's time zone, for lists.
pub fn show_time(ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        return format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        );
    }
    #[allow(unreachable_code)]
    {
        // On the server the browser's zone is unknown: UTC, replaced once hydrated.
        let secs = ms.div_euclid(1000);
        let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
    }
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// "2 min 05 s" for a duration in milliseconds.
pub fn elapsed(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

fn storage() -> Option<web_sys::Storage> {
    #[cfg(feature = "hydrate")]
    {
        return window().session_storage().ok().flatten();
    }
    #[allow(unreachable_code)]
    None
}

pub fn load_draft<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

pub fn save_draft<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &json);
    }
}

/// Keeps a form's draft in the tab's session storage: restored once hydrated (the server
/// renders the empty form), saved on every change.
pub fn keep_draft<T>(key: &'static str, draft: RwSignal<T>)
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    Effect::new(move |restored: Option<bool>| {
        if restored.is_none() {
            if let Some(saved) = load_draft::<T>(key) {
                draft.set(saved);
            }
        } else {
            draft.with(|d| save_draft(key, d));
        }
        draft.track();
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_times_and_durations() {
        assert_eq!(show_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(show_time(1_767_225_600_000), "2026-01-01 00:00:00 UTC");
        assert_eq!(elapsed(65_000), "1 min 05 s");
        assert_eq!(number("export_size", " 12 ").unwrap(), Some(12));
        assert_eq!(number("export_size", "1e3").unwrap_err().field.as_deref(), Some("export_size"));
    }
}
