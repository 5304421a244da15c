//! A page of an instance's rules: a row each with its switch state and actions, ticks for the
//! bulk switch, and the pager.

use std::collections::BTreeSet;

use cloud::model::dbss::{MaskRule, OnOff, RuleType};
use leptos::prelude::*;

use crate::api::masking::DeleteMaskRule;
use crate::components::form::confirm;
use crate::components::pager::Pager;
use crate::dto::masking::RulesPage;
use crate::i18n::{t, tf, Key, SeenLabel};

#[component]
pub fn RuleTable(
    page: RulesPage,
    selected: RwSignal<BTreeSet<String>>,
    /// Opens the editor on a custom rule.
    on_edit: Callback<MaskRule>,
    delete: ServerAction<DeleteMaskRule>,
    instance_id: Memo<String>,
    on_page: Callback<u64>,
) -> impl IntoView {
    let page_ids: Vec<String> = page.rules.iter().map(|r| r.id.clone()).collect();
    let all_ids = page_ids.clone();
    view! {
        <table class="data rules">
            <thead><tr>
                <th><input type="checkbox" aria-label=t(Key::SelectAllOnPage)
                    prop:checked=move || !page_ids.is_empty() && selected.with(|s| page_ids.iter().all(|i| s.contains(i)))
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        selected.update(|s| for i in &all_ids { if on { s.insert(i.clone()); } else { s.remove(i); } });
                    }/></th>
                <th>{t(Key::RuleName)}</th><th>{t(Key::RuleType)}</th><th>{t(Key::RuleRegex)}</th>
                <th>{t(Key::RuleSubstitution)}</th><th>{t(Key::ColStatus)}</th><th>{t(Key::LastChange)}</th>
                <th>{t(Key::Actions)}</th>
            </tr></thead>
            <tbody>
                {page.rules.into_iter().map(|rule| view! { <RuleRow rule selected on_edit delete instance_id/> }).collect_view()}
            </tbody>
        </table>
        <Pager offset=page.offset.into() limit=page.limit.into() total=page.total as u64 on_page/>
    }
}

#[component]
fn RuleRow(
    rule: MaskRule,
    selected: RwSignal<BTreeSet<String>>,
    on_edit: Callback<MaskRule>,
    delete: ServerAction<DeleteMaskRule>,
    instance_id: Memo<String>,
) -> impl IntoView {
    let on = rule.status == OnOff::On;
    let actions = if rule.kind == RuleType::BuildIn {
        view! { <span class="muted small">{t(Key::BuiltInOnlySwitch)}</span> }.into_any()
    } else {
        let (edited, name, id) = (rule.clone(), rule.name.clone(), rule.id.clone());
        view! {
            <button type="button" class="link-button" on:click=move |_| on_edit.run(edited.clone())>{t(Key::Edit)}</button>
            <button type="button" class="link-button danger" on:click=move |_| {
                if confirm(&tf(Key::ConfirmDelete, &[("name", &name)])) {
                    delete.dispatch(DeleteMaskRule { instance_id: instance_id.get_untracked(), rule_id: id.clone() });
                }
            }>{t(Key::Delete)}</button>
        }
        .into_any()
    };
    let (checked, toggled) = (rule.id.clone(), rule.id.clone());
    view! {
        <tr data-rule=rule.name.clone()>
            <td><input type="checkbox" aria-label=tf(Key::SelectItem, &[("name", &rule.name)])
                prop:checked=move || selected.with(|s| s.contains(&checked))
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    selected.update(|s| { if on { s.insert(toggled.clone()); } else { s.remove(&toggled); } });
                }/></td>
            <td>{rule.name.clone()}</td>
            <td>{rule.kind.label()}</td>
            <td><code>{rule.regex.clone()}</code></td>
            <td><code>{rule.mask_value.clone()}</code></td>
            <td><span class="badge" class:on=on>{rule.status.label()}</span></td>
            <td class="small">{rule.operate_time.clone()}</td>
            <td>{actions}</td>
        </tr>
    }
}
