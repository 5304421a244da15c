//! Previous / next over an offset-paged list, with where the page is ("11–20 of 36"). Every
//! paged table uses it, so they all page, read and disable alike.

use leptos::prelude::*;

use crate::i18n::{t, tf, Key};

/// `on_page` is given the offset to show instead.
#[component]
pub fn Pager(offset: u64, limit: u64, total: u64, on_page: Callback<u64>) -> impl IntoView {
    let first = if total == 0 { 0 } else { offset + 1 };
    let last = (offset + limit).min(total);
    view! {
        <nav class="pager" aria-label=t(Key::Pages)>
            <button type="button" class="inline" disabled={offset == 0}
                on:click=move |_| on_page.run(offset.saturating_sub(limit))>{t(Key::Previous)}</button>
            <span>{tf(Key::PageRange, &[("first", &first), ("last", &last), ("total", &total)])}</span>
            <button type="button" class="inline" disabled={last >= total}
                on:click=move |_| on_page.run(offset + limit)>{t(Key::Next)}</button>
        </nav>
    }
    .into_any()
}
