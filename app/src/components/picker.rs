//! Choosing several items from a long cloud list: search boxes, a page of rows with a checkbox
//! each, paging, and the chosen items as chips. The chosen set belongs to the form (it survives
//! paging and searching); the picker only shows and changes it.

use std::collections::BTreeMap;
use std::future::Future;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error_box::ErrorBox;
use super::form::SearchInput;
use super::pager::Pager;
use crate::error::AppError;
use crate::i18n::{t, tf, Key};

/// One row's place in the picker: its id, what the chips call it, and whether it may be chosen.
pub struct Pick {
    pub id: String,
    pub name: String,
    pub blocked: bool,
}

/// What the picker searches for: one text per search box, the offset, and whether to skip the
/// portal's cached copy of the list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PickerQuery {
    pub terms: Vec<String>,
    /// What the form around the picker narrows it by (its own encoding).
    pub narrow: Vec<String>,
    pub offset: u64,
    pub refresh: bool,
}

#[component]
pub fn Picker<R, F, Fut>(
    /// What the table lists (its accessible name).
    caption: Key,
    /// The search boxes: input id and label.
    searches: &'static [(&'static str, Key)],
    /// Column headers after the checkbox column.
    columns: &'static [Key],
    page_size: u64,
    /// A page of rows and how many match.
    fetch: F,
    pick: fn(&R) -> Pick,
    /// The row: a `<tr>` whose first cell is the given checkbox cell.
    row: fn(R, AnyView) -> AnyView,
    chosen: Signal<BTreeMap<String, String>>,
    /// An id chosen (with its name) or dropped (`None`).
    on_change: Callback<(String, Option<String>)>,
    /// "{n} … chosen".
    chosen_label: Key,
    /// The form's filters that narrow the list too; a change starts again at the first page.
    #[prop(optional)]
    narrow: Option<Signal<Vec<String>>>,
) -> impl IntoView
where
    R: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(PickerQuery) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<(Vec<R>, u64), AppError>> + Send + 'static,
{
    let terms: Vec<RwSignal<String>> = searches.iter().map(|_| RwSignal::new(String::new())).collect();
    let applied =
        RwSignal::new(PickerQuery { terms: vec![String::new(); searches.len()], ..Default::default() });
    // A memo: the form changes for other reasons (ticking a row), which must not move the page.
    let narrowed = Memo::new(move |_| narrow.map(|n| n.get()).unwrap_or_default());
    Effect::watch(move || narrowed.get(), move |_, _, _| applied.update(|a| a.offset = 0), false);
    let page = Resource::new(move || PickerQuery { narrow: narrowed.get(), ..applied.get() }, fetch);
    let search = {
        let terms = terms.clone();
        move |refresh: bool| {
            applied.set(PickerQuery {
                terms: terms.iter().map(|s| s.get_untracked()).collect(),
                offset: 0,
                refresh,
                narrow: Vec::new(),
            })
        }
    };
    let on_search = Callback::new({
        let search = search.clone();
        move |_| search(false)
    });
    let checkbox = move |p: Pick| {
        let (id, name) = (p.id.clone(), p.name.clone());
        let checked = {
            let id = id.clone();
            move || chosen.with(|c| c.contains_key(&id))
        };
        view! {
            <td><input type="checkbox" aria-label=tf(Key::ChooseItem, &[("name", &p.name)]) disabled=p.blocked
                prop:checked=checked
                on:change=move |e| on_change.run((id.clone(), event_target_checked(&e).then(|| name.clone())))/></td>
        }
        .into_any()
    };
    view! {
        <div class="picker">
            <div class="filters">
                {searches.iter().zip(terms).map(|((id, label), value)| view! {
                    <SearchInput id=*id label=t(*label) value on_search/>
                }).collect_view()}
                <button type="button" class="inline" on:click={let search = search.clone(); move |_| search(false)}>{t(Key::Search)}</button>
                <button type="button" class="link-button" on:click=move |_| search(true)>{t(Key::RefreshList)}</button>
            </div>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok((rows, total)) => {
                        let offset = applied.with_untracked(|a| a.offset);
                        view! {
                            <table class="data" aria-label=t(caption)>
                                <thead><tr><th></th>
                                    {columns.iter().map(|c| view! { <th>{t(*c)}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let cell = checkbox(pick(&r));
                                        row(r, cell)
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager offset limit=page_size total
                                on_page=Callback::new(move |o: u64| applied.update(|a| { a.offset = o; a.refresh = false; }))/>
                        }.into_any()
                    }
                })}
            </Transition>
            <ChosenChips count_label=chosen_label chosen
                on_remove=Callback::new(move |id: String| on_change.run((id, None)))/>
        </div>
    }
    .into_any()
}

/// What a picker has chosen (id and what to call it), as chips that remove themselves, and
/// how many.
#[component]
fn ChosenChips(
    /// "{n} … chosen".
    count_label: Key,
    chosen: Signal<BTreeMap<String, String>>,
    on_remove: Callback<String>,
) -> impl IntoView {
    view! {
        <p class="chosen" aria-live="polite">
            {move || chosen.with(|c| tf(count_label, &[("n", &c.len())]))}
            {move || chosen.get().into_iter().map(|(id, name)| view! {
                <span class="chip">{name.clone()}
                    <button type="button" class="link-button" aria-label=tf(Key::RemoveItem, &[("name", &name)])
                        on:click=move |_| on_remove.run(id.clone())>"×"</button></span>
            }).collect_view()}
        </p>
    }
    .into_any()
}
