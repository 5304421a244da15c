//! One instance's rules: paged table with search and filters (all in the URL), bulk switch,
//! create/edit/delete of custom rules, and the instance switches.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::editor::RuleEditor;
use crate::api::masking::{
    get_instance_settings, list_mask_rules, CreateMaskRule, DeleteMaskRule, SetInstanceSetting,
    SwitchMaskRules, UpdateMaskRule,
};
use crate::components::error_box::ErrorBox;
use crate::components::pager::Pager;
use crate::dto::encode_query_value;
use crate::dto::masking::{RuleInput, RuleRow, Setting, PAGE_SIZES};
use crate::error::AppError;
use crate::i18n::{t, Key};

/// The table's place and filters, as they stand in the URL.
#[derive(Clone, Debug, PartialEq)]
struct View {
    offset: u32,
    limit: u32,
    q: String,
    kind: String,
    status: String,
}

impl View {
    fn href(&self, id: &str) -> String {
        format!(
            "/masking/{id}?offset={}&limit={}&q={}&kind={}&status={}",
            self.offset,
            self.limit,
            encode_query_value(&self.q),
            self.kind,
            self.status
        )
    }
}

/// Which editor is open.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    None,
    New,
    Existing(RuleRow),
}

fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let view_state = Memo::new(move |_| {
        query.with(|q| View {
            offset: q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0),
            limit: q
                .get("limit")
                .and_then(|v| v.parse().ok())
                .filter(|l| PAGE_SIZES.contains(l))
                .unwrap_or(10),
            q: q.get("q").unwrap_or_default(),
            kind: q.get("kind").filter(|k| k == "built_in" || k == "custom").unwrap_or_default(),
            status: q.get("status").filter(|s| s == "on" || s == "off").unwrap_or_default(),
        })
    });
    // Bumped after every change so the table shows what the cloud now holds.
    let version = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id.get(), view_state.get(), version.get()),
        |(id, v, _)| list_mask_rules(id, v.offset, v.limit, Some(v.q), Some(v.kind), Some(v.status)),
    );
    let settings = Resource::new(move || (id.get(), version.get()), |(id, _)| get_instance_settings(id));

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
    let go = move |v: View| {
        selected.set(BTreeSet::new());
        navigate(&v.href(&id.get_untracked()), Default::default());
    };

    // Filter inputs start from the URL and apply on submit.
    let q_input = RwSignal::new(String::new());
    let kind_input = RwSignal::new(String::new());
    let status_input = RwSignal::new(String::new());
    Effect::new(move |_| {
        let v = view_state.get();
        q_input.set(v.q);
        kind_input.set(v.kind);
        status_input.set(v.status);
    });
    let apply = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let v = view_state.get_untracked();
            go(View { offset: 0, q: q_input.get(), kind: kind_input.get(), status: status_input.get(), ..v });
        }
    };
    let set_limit = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let limit = event_target_value(&ev).parse().unwrap_or(10);
            go(View { offset: 0, limit, ..view_state.get_untracked() });
        }
    };

    let bulk = move |on: bool| {
        let ids: Vec<String> = selected.get().into_iter().collect();
        if ids.is_empty() {
            return;
        }
        switch.dispatch(SwitchMaskRules {
            instance_id: id.get_untracked(),
            ids: ids.join(","),
            status: if on { "ON" } else { "OFF" }.into(),
        });
    };

    let save = Callback::new(move |rule: RuleInput| match editing.get_untracked() {
        Editing::Existing(r) => {
            update.dispatch(UpdateMaskRule { instance_id: id.get_untracked(), rule_id: r.id, rule });
        }
        _ => {
            create.dispatch(CreateMaskRule { instance_id: id.get_untracked(), rule });
        }
    });
    let saving = Signal::derive(move || create.pending().get() || update.pending().get());

    view! {
        <p><a href="/masking">{t(Key::BackToInstances)}</a></p>
        <h1>{t(Key::MaskingRulesTitle)}</h1>

        <section class="panel settings" aria-label=t(Key::InstanceSettings)>
            <h2>{t(Key::InstanceSettings)}</h2>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                        Ok(s) => {
                            let row = move |setting: Setting, on: bool, label: Key, explain_on: Key, explain_off: Key| {
                                let toggle = move |_| {
                                    let text = if on { t(explain_off) } else { t(explain_on) };
                                    if confirm(text) {
                                        set_setting.dispatch(SetInstanceSetting { instance_id: id.get_untracked(), setting, on: !on });
                                    }
                                };
                                view! {
                                    <div class="setting">
                                        <span>{t(label)}</span>
                                        <span class="badge" class:on=on>{if on { t(Key::On) } else { t(Key::Off) }}</span>
                                        <button type="button" on:click=toggle>{if on { t(Key::TurnOff) } else { t(Key::TurnOn) }}</button>
                                    </div>
                                }
                            };
                            view! {
                                {row(Setting::Masking, s.masking_on, Key::SettingMasking, Key::ExplainMaskingOn, Key::ExplainMaskingOff)}
                                {row(Setting::ResultSet, s.result_set_on, Key::SettingResultSet, Key::ExplainResultSetOn, Key::ExplainResultSetOff)}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>

        <form class="filters" on:submit=apply role="search">
            <label for="rule-search">{t(Key::SearchByName)}</label>
            <input id="rule-search" type="search" prop:value=q_input on:input=move |e| q_input.set(event_target_value(&e))/>
            <label for="rule-kind">{t(Key::RuleType)}</label>
            <select id="rule-kind" prop:value=kind_input on:change=move |e| kind_input.set(event_target_value(&e))>
                <option value="">{t(Key::Any)}</option>
                <option value="built_in">{t(Key::BuiltIn)}</option>
                <option value="custom">{t(Key::Custom)}</option>
            </select>
            <label for="rule-status">{t(Key::ColStatus)}</label>
            <select id="rule-status" prop:value=status_input on:change=move |e| status_input.set(event_target_value(&e))>
                <option value="">{t(Key::Any)}</option>
                <option value="on">{t(Key::On)}</option>
                <option value="off">{t(Key::Off)}</option>
            </select>
            <button type="submit">{t(Key::ApplyFilters)}</button>
        </form>

        <div class="toolbar">
            <button type="button" class="primary inline" on:click=move |_| editing.set(Editing::New)>{t(Key::NewRule)}</button>
            <button type="button" disabled=move || selected.get().is_empty() || switch.pending().get() on:click=move |_| bulk(true)>
                {t(Key::SwitchOnSelected)}
            </button>
            <button type="button" disabled=move || selected.get().is_empty() || switch.pending().get() on:click=move |_| bulk(false)>
                {t(Key::SwitchOffSelected)}
            </button>
            <span class="muted">{move || format!("{} {}", selected.get().len(), t(Key::Selected))}</span>
        </div>

        {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {move || failure.get().map(|error| view! { <ErrorBox error/> })}
        {move || match editing.get() {
            Editing::None => None,
            Editing::New => Some(view! {
                <RuleEditor existing=None on_save=save on_cancel=Callback::new(move |_| editing.set(Editing::None)) pending=saving/>
            }.into_any()),
            Editing::Existing(r) => Some(view! {
                <RuleEditor existing=Some(r) on_save=save on_cancel=Callback::new(move |_| editing.set(Editing::None)) pending=saving/>
            }.into_any()),
        }}

        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || {
                let go = go.clone();
                Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let v = view_state.get_untracked();
                        let page_ids: Vec<String> = p.rules.iter().map(|r| r.id.clone()).collect();
                        let all_ids = page_ids.clone();
                        let to_page = { let go = go.clone(); let v = v.clone(); Callback::new(move |o: u64| go(View { offset: o as u32, ..v.clone() })) };
                        view! {
                            <table class="data rules">
                                <thead><tr>
                                    <th><input type="checkbox" aria-label=t(Key::SelectAllOnPage)
                                        prop:checked=move || !page_ids.is_empty() && page_ids.iter().all(|i| selected.get().contains(i))
                                        on:change=move |e| {
                                            let on = event_target_checked(&e);
                                            selected.update(|s| for i in &all_ids { if on { s.insert(i.clone()); } else { s.remove(i); } });
                                        }/></th>
                                    <th>{t(Key::RuleName)}</th><th>{t(Key::RuleType)}</th><th>{t(Key::RuleRegex)}</th>
                                    <th>{t(Key::RuleSubstitution)}</th><th>{t(Key::ColStatus)}</th><th>{t(Key::LastChange)}</th>
                                    <th>{t(Key::Actions)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rules.into_iter().map(|r| {
                                        let rid = r.id.clone();
                                        let rid2 = r.id.clone();
                                        let label = format!("{} {}", t(Key::Select), r.name);
                                        let edit_rule = r.clone();
                                        let del_name = r.name.clone();
                                        let del_id = r.id.clone();
                                        let actions = if r.built_in {
                                            view! { <span class="muted small">{t(Key::BuiltInOnlySwitch)}</span> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="link-button" on:click=move |_| editing.set(Editing::Existing(edit_rule.clone()))>{t(Key::Edit)}</button>
                                                <button type="button" class="link-button danger" on:click=move |_| {
                                                    if confirm(&format!("{} \"{}\"?", t(Key::ConfirmDelete), del_name)) {
                                                        delete.dispatch(DeleteMaskRule { instance_id: id.get_untracked(), rule_id: del_id.clone() });
                                                    }
                                                }>{t(Key::Delete)}</button>
                                            }.into_any()
                                        };
                                        view! {
                                            <tr data-rule=r.name.clone()>
                                                <td><input type="checkbox" aria-label=label
                                                    prop:checked=move || selected.get().contains(&rid)
                                                    on:change=move |e| {
                                                        let on = event_target_checked(&e);
                                                        selected.update(|s| { if on { s.insert(rid2.clone()); } else { s.remove(&rid2); } });
                                                    }/></td>
                                                <td>{r.name.clone()}</td>
                                                <td>{if r.built_in { t(Key::BuiltIn) } else { t(Key::Custom) }}</td>
                                                <td><code>{r.regex.clone()}</code></td>
                                                <td><code>{r.mask_value.clone()}</code></td>
                                                <td><span class="badge" class:on=r.on>{if r.on { t(Key::On) } else { t(Key::Off) }}</span></td>
                                                <td class="small">{r.operate_time.clone()}</td>
                                                <td>{actions}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager offset=v.offset.into() limit=v.limit.into() total=p.total as u64 on_page=to_page/>
                        }.into_any()
                    }
                }
            })}}
        </Transition>
        <label for="page-size" class="inline-label">{t(Key::PageSize)}</label>
        <select id="page-size" on:change=set_limit prop:value=move || view_state.get().limit.to_string()>
            {PAGE_SIZES.iter().map(|s| view! { <option value=s.to_string()>{s.to_string()}</option> }).collect_view()}
        </select>
    }
}
