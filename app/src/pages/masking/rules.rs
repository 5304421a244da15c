//! One instance's rules: the instance switches, a paged table with search and filters (all in
//! the URL), bulk switch, and create/edit/delete of custom rules.

use std::collections::BTreeSet;

use cloud::model::dbss::{MaskRule, MaskRuleInput, OnOff, RuleType};
use cloud::model::WireEnum;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query};

use super::editor::RuleEditor;
use super::settings::InstanceSettings;
use super::table::RuleTable;
use crate::api::masking::{
    list_mask_rules, CreateMaskRule, DeleteMaskRule, SetInstanceSetting, SwitchMaskRules, UpdateMaskRule,
};
use crate::components::error_box::ErrorBox;
use crate::components::url::href;
use crate::dto::masking::{RuleQuery, PAGE_SIZES};
use crate::error::AppError;
use crate::i18n::{t, tf, Key, Label};

/// Which editor is open.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    None,
    New,
    Existing(MaskRule),
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query::<RuleQuery>();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let view_state = Memo::new(move |_| {
        let q = query.get().unwrap_or_default();
        RuleQuery { limit: q.limit.filter(|l| PAGE_SIZES.contains(l)), ..q }
    });
    // Bumped after every change so the table shows what the cloud now holds.
    let version = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id.get(), view_state.get(), version.get()),
        |(id, q, _)| list_mask_rules(id, q),
    );

    let selected = RwSignal::new(BTreeSet::<String>::new());
    let editing = RwSignal::new(Editing::None);
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<AppError>);

    let switch = ServerAction::<SwitchMaskRules>::new();
    let create = ServerAction::<CreateMaskRule>::new();
    let update = ServerAction::<UpdateMaskRule>::new();
    let delete = ServerAction::<DeleteMaskRule>::new();
    let set_setting = ServerAction::<SetInstanceSetting>::new();

    // One place reacts to every action's outcome: say what happened, reload, keep input on error.
    let outcome = move |value: Option<Result<(), AppError>>, done: Key| match value {
        Some(Ok(())) => {
            notice.set(Some(t(done).to_string()));
            failure.set(None);
            selected.set(BTreeSet::new());
            version.update(|v| *v += 1);
            true
        }
        Some(Err(e)) => {
            failure.set(Some(e));
            notice.set(None);
            false
        }
        None => false,
    };
    Effect::new(move |_| {
        outcome(switch.value().get(), Key::DoneSwitched);
    });
    Effect::new(move |_| {
        if outcome(create.value().get(), Key::DoneCreated) {
            editing.set(Editing::None);
        }
    });
    Effect::new(move |_| {
        if outcome(update.value().get(), Key::DoneUpdated) {
            editing.set(Editing::None);
        }
    });
    Effect::new(move |_| {
        outcome(delete.value().get(), Key::DoneDeleted);
    });
    Effect::new(move |_| {
        outcome(set_setting.value().get(), Key::DoneSetting);
    });

    let navigate = use_navigate();
    let go = Callback::new(move |q: RuleQuery| {
        selected.set(BTreeSet::new());
        navigate(&href(&format!("/masking/{}", id.get_untracked()), &q), Default::default());
    });

    let bulk = move |on: bool| {
        let ids: Vec<String> = selected.get().into_iter().collect();
        if !ids.is_empty() {
            switch.dispatch(SwitchMaskRules { instance_id: id.get_untracked(), ids, on });
        }
    };
    let save = Callback::new(move |rule: MaskRuleInput| match editing.get_untracked() {
        Editing::Existing(r) => {
            update.dispatch(UpdateMaskRule { instance_id: id.get_untracked(), rule_id: r.id, rule });
        }
        _ => {
            create.dispatch(CreateMaskRule { instance_id: id.get_untracked(), rule });
        }
    });
    let saving = Signal::derive(move || create.pending().get() || update.pending().get());
    let close = Callback::new(move |_| editing.set(Editing::None));

    view! {
        <p><a href="/masking">{t(Key::BackToInstances)}</a></p>
        <h1>{t(Key::MaskingRulesTitle)}</h1>
        <InstanceSettings id version set_setting/>
        <RuleFilters view_state go/>

        <div class="toolbar">
            <button type="button" class="primary inline" on:click=move |_| editing.set(Editing::New)>{t(Key::NewRule)}</button>
            <button type="button" disabled=move || selected.get().is_empty() || switch.pending().get() on:click=move |_| bulk(true)>
                {t(Key::SwitchOnSelected)}
            </button>
            <button type="button" disabled=move || selected.get().is_empty() || switch.pending().get() on:click=move |_| bulk(false)>
                {t(Key::SwitchOffSelected)}
            </button>
            <span class="muted">{move || tf(Key::Selected, &[("n", &selected.with(|s| s.len()))])}</span>
        </div>

        {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {move || failure.get().map(|error| view! { <ErrorBox error/> })}
        {move || match editing.get() {
            Editing::None => None,
            Editing::New => Some(view! { <RuleEditor existing=None on_save=save on_cancel=close pending=saving/> }.into_any()),
            Editing::Existing(r) => Some(view! { <RuleEditor existing=Some(r) on_save=save on_cancel=close pending=saving/> }.into_any()),
        }}

        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let q = view_state.get_untracked();
                        let on_page = Callback::new(move |o: u64| go.run(RuleQuery { offset: Some(o as u32), ..q.clone() }));
                        let on_edit = Callback::new(move |r: MaskRule| editing.set(Editing::Existing(r)));
                        view! { <RuleTable page=p selected on_edit delete instance_id=id on_page/> }.into_any()
                    }
                }
            })}
        </Transition>
        <label for="page-size" class="inline-label">{t(Key::PageSize)}</label>
        <select id="page-size" prop:value=move || view_state.get().limit().to_string()
            on:change=move |e| go.run(RuleQuery { offset: None, limit: event_target_value(&e).parse().ok(), ..view_state.get_untracked() })>
            {PAGE_SIZES.iter().map(|s| view! { <option value=s.to_string()>{s.to_string()}</option> }).collect_view()}
        </select>
    }
}

/// Search by name, type and state; applied on submit (into the URL).
#[component]
fn RuleFilters(view_state: Memo<RuleQuery>, go: Callback<RuleQuery>) -> impl IntoView {
    let q_input = RwSignal::new(String::new());
    let kind_input = RwSignal::new(None::<RuleType>);
    let status_input = RwSignal::new(None::<OnOff>);
    Effect::new(move |_| {
        let v = view_state.get();
        q_input.set(v.q.unwrap_or_default());
        kind_input.set(v.kind);
        status_input.set(v.status);
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go.run(RuleQuery {
            offset: None,
            q: Some(q_input.get()).filter(|q| !q.trim().is_empty()),
            kind: kind_input.get(),
            status: status_input.get(),
            ..view_state.get_untracked()
        });
    };
    view! {
        <form class="filters" on:submit=apply role="search">
            <label for="rule-search">{t(Key::SearchByName)}</label>
            <input id="rule-search" type="search" prop:value=q_input on:input=move |e| q_input.set(event_target_value(&e))/>
            <EnumFilter id="rule-kind" label=Key::RuleType value=kind_input/>
            <EnumFilter id="rule-status" label=Key::ColStatus value=status_input/>
            <button type="submit">{t(Key::ApplyFilters)}</button>
        </form>
    }
}

/// A labelled select over an enum's values, with "any" first.
#[component]
fn EnumFilter<E: WireEnum + Label>(
    id: &'static str,
    label: Key,
    value: RwSignal<Option<E>>,
) -> impl IntoView {
    view! {
        <label for=id>{t(label)}</label>
        <select id=id prop:value=move || value.get().map_or("", E::as_str)
            on:change=move |e| value.set(E::from_wire(&event_target_value(&e)))>
            <option value="">{t(Key::Any)}</option>
            {E::ALL.iter().map(|v| view! { <option value=v.as_str()>{v.label()}</option> }).collect_view()}
        </select>
    }
}
