//! Form pieces every form shares: labelled inputs bound to a draft, the error under the field it
//! names, selects over the cloud's enums, drafts kept in the tab's session storage (so a sign-in
//! in between loses no input), and the chosen-items chips of the pickers.

use cloud::model::WireEnum;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::AppError;
use crate::i18n::{t, tf, Key, Label};

/// The last error of a form; a field shows it when it names that field.
pub type FormErrors = RwSignal<Option<AppError>>;

/// A draft's field, read and written through one accessor.
pub type Lens<T, V> = fn(&mut T) -> &mut V;

fn read<T: Clone, V: Clone>(draft: &T, lens: Lens<T, V>) -> V {
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

/// A labelled input bound to a draft's text. `kind` is the input type (text, number,
/// datetime-local); `list` names a datalist of suggestions.
#[component]
pub fn TextField<T: Clone + Send + Sync + 'static>(
    draft: RwSignal<T>,
    lens: Lens<T, String>,
    /// The name errors use for the field.
    field: &'static str,
    /// Unique within the page.
    id: &'static str,
    label: &'static str,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] help: Option<String>,
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

/// A labelled select whose first choice, "any", means no filter. Not generic, so the enum selects
/// share one copy of it in the browser bundle.
fn choice(
    id: &'static str,
    label: &'static str,
    field: &'static str,
    errors: FormErrors,
    options: Vec<(&'static str, &'static str)>,
    value: Signal<&'static str>,
    on_change: Callback<String>,
) -> AnyView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id prop:value=value on:change=move |e| on_change.run(event_target_value(&e))>
                <option value="">{t(Key::Any)}</option>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <FieldError errors field/>
        </div>
    }
    .into_any()
}

/// A labelled select over one of the cloud's enums, with a first "any" choice meaning no filter.
#[component]
pub fn SelectField<T, E>(
    draft: RwSignal<T>,
    lens: Lens<T, Option<E>>,
    field: &'static str,
    id: &'static str,
    label: &'static str,
    errors: FormErrors,
) -> AnyView
where
    T: Clone + Send + Sync + 'static,
    E: WireEnum + Label,
{
    let options = E::ALL.iter().map(|v| (v.as_str(), v.label())).collect();
    let value = Signal::derive(move || draft.with(|d| read(d, lens).map_or("", E::as_str)));
    let on_change = Callback::new(move |v: String| draft.update(|d| *lens(d) = E::from_wire(&v)));
    choice(id, label, field, errors, options, value, on_change)
}

/// Under a preview: the set filters its list cannot apply (the export applies them).
#[component]
pub fn BeyondPreview(ignored: Signal<Vec<&'static str>>) -> impl IntoView {
    move || {
        let ignored = ignored.get();
        (!ignored.is_empty()).then(|| {
            view! { <p class="notice" role="note">{tf(Key::PreviewIgnores, &[("fields", &ignored.join(", "))])}</p> }
        })
    }
}

/// A labelled any / yes / no select.
#[component]
pub fn BoolField<T: Clone + Send + Sync + 'static>(
    draft: RwSignal<T>,
    lens: Lens<T, Option<bool>>,
    field: &'static str,
    id: &'static str,
    label: &'static str,
    errors: FormErrors,
    /// What "yes" and "no" mean here.
    yes: Key,
    no: Key,
) -> AnyView {
    let options = vec![("true", t(yes)), ("false", t(no))];
    let value = Signal::derive(move || match draft.with(|d| read(d, lens)) {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    });
    let on_change = Callback::new(move |v: String| {
        draft.update(|d| {
            *lens(d) = match v.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }
        })
    });
    choice(id, label, field, errors, options, value, on_change)
}

/// Asks the user to confirm something that cannot be undone or has wide effects.
pub fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

/// Text typed into a filter: `None` when blank.
pub fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A whole number typed into `field`, or an error naming it.
pub fn number(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| AppError::invalid(field, t(Key::ErrWholeNumber)))
}

/// The browser's storage for this tab (`session`) or for every visit; none on the server.
pub fn browser_storage(session: bool) -> Option<web_sys::Storage> {
    #[cfg(feature = "hydrate")]
    {
        let w = window();
        return if session { w.session_storage() } else { w.local_storage() }.ok().flatten();
    }
    #[allow(unreachable_code)]
    {
        let _ = session;
        None
    }
}

fn storage() -> Option<web_sys::Storage> {
    browser_storage(true)
}

fn load_draft<T: DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

fn save_draft<T: Serialize>(key: &str, value: &T) {
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
    fn numbers_name_their_field() {
        assert_eq!(number("export_size", " 12 ").unwrap(), Some(12));
        assert_eq!(number("export_size", "1e3").unwrap_err().field.as_deref(), Some("export_size"));
    }
}

/// A create form's idempotency key: made when the form is shown and sent with every submit, so
/// a submit whose answer was lost, sent again, finds the task the first one made instead of
/// making a second. A new key is made once the portal answered with a task.
#[derive(Clone, Copy)]
pub struct FormKey(RwSignal<String>);

impl FormKey {
    pub fn new() -> Self {
        Self(RwSignal::new(fresh_key()))
    }

    /// The key to send now.
    pub fn current(self) -> String {
        self.0.get_untracked()
    }

    /// The portal answered with a task: the next submit is another one.
    pub fn renew(self) {
        self.0.set(fresh_key());
    }
}

impl Default for FormKey {
    fn default() -> Self {
        Self::new()
    }
}

/// 104 random bits as hex. Not a secret: it only tells one submit from another of one user.
fn fresh_key() -> String {
    #[cfg(feature = "hydrate")]
    let (a, b) = (js_sys::Math::random(), js_sys::Math::random());
    // Rendered on the server the key is never sent: the browser makes its own on hydration.
    #[cfg(not(feature = "hydrate"))]
    let (a, b) = (0.5, 0.25);
    let bits = |x: f64| (x * (1u64 << 52) as f64) as u64;
    format!("{:013x}{:013x}", bits(a), bits(b))
}
