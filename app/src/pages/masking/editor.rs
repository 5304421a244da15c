//! Create or edit a custom rule, testing its expression against sample text as you type.

use leptos::prelude::*;

use cloud::model::dbss::{MaskRule, MaskRuleInput, MAX_RULE_FIELD};

use super::preview::Preview;
use crate::i18n::{t, tf, Key};

#[component]
pub fn RuleEditor(
    /// The rule being edited; `None` for a new one.
    existing: Option<MaskRule>,
    /// Called with the finished input.
    on_save: Callback<MaskRuleInput>,
    on_cancel: Callback<()>,
    pending: Signal<bool>,
) -> impl IntoView {
    let editing = existing.is_some();
    let name = RwSignal::new(existing.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let regex = RwSignal::new(existing.as_ref().map(|r| r.regex.clone()).unwrap_or_default());
    let value =
        RwSignal::new(existing.as_ref().map(|r| r.mask_value.clone()).unwrap_or_else(|| "******".into()));
    let sample = RwSignal::new(String::new());
    // Tested in a worker as the user types; the answer arrives in `result`.
    let result = RwSignal::new(Preview::Empty);
    #[cfg(feature = "hydrate")]
    {
        let tester = StoredValue::new_local(super::preview::Tester::new(result));
        Effect::new(move |_| {
            let (r, v, s) = (regex.get(), value.get(), sample.get());
            tester.with_value(|t| t.test(&r, &v, &s));
        });
    }
    let invalid = move || matches!(result.get(), Preview::Invalid(_));
    let incomplete = move || name.get().trim().is_empty() || regex.get().is_empty() || value.get().is_empty();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !invalid() && !incomplete() {
            on_save.run(MaskRuleInput {
                rule_name: name.get(),
                mask_regex: regex.get(),
                mask_value: value.get(),
            });
        }
    };
    let max = MAX_RULE_FIELD.to_string();
    view! {
        <form class="editor panel" on:submit=submit aria-label=t(Key::RuleEditor)>
            <h2>{if editing { t(Key::EditRule) } else { t(Key::NewRule) }}</h2>
            <label for="rule-name">{t(Key::RuleName)}</label>
            <input id="rule-name" required maxlength=max.clone() prop:value=name on:input=move |e| name.set(event_target_value(&e))/>
            <label for="rule-regex">{t(Key::RuleRegex)}</label>
            <input id="rule-regex" class="mono" required maxlength=max.clone() spellcheck="false" autocomplete="off"
                aria-describedby="regex-status" prop:value=regex on:input=move |e| regex.set(event_target_value(&e))/>
            <label for="rule-value">{t(Key::RuleSubstitution)}</label>
            <input id="rule-value" required maxlength=max prop:value=value on:input=move |e| value.set(event_target_value(&e))/>
            <label for="rule-sample">{t(Key::SampleText)}</label>
            <textarea id="rule-sample" rows="3" prop:value=sample on:input=move |e| sample.set(event_target_value(&e))></textarea>
            <div id="regex-status" class="preview" role="status" aria-live="polite">
                {move || match result.get() {
                    Preview::Empty => view! { <p class="muted">{t(Key::PreviewHint)}</p> }.into_any(),
                    Preview::Invalid(msg) => view! {
                        <p class="field-error">{t(Key::InvalidRegex)} " " {msg}</p>
                    }.into_any(),
                    Preview::Masked { text, matches } => view! {
                        <p>{tf(Key::MatchesInSample, &[("n", &matches)])}</p>
                        <pre class="masked" data-testid="masked-preview">{text}</pre>
                    }.into_any(),
                    Preview::TooSlow => view! { <p class="field-error">{t(Key::RegexTooSlow)}</p> }.into_any(),
                }}
                <p class="help">{t(Key::RegexEngineNote)}</p>
            </div>
            <div class="actions">
                <button type="submit" class="primary inline" disabled=move || invalid() || incomplete() || pending.get()>
                    {t(Key::SaveRule)}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
