use leptos::prelude::*;

use crate::i18n::{t, Key};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="page narrow">
            <h1>{t(Key::NotFoundTitle)}</h1>
            <p><a href="/">{t(Key::BackToDashboard)}</a></p>
        </main>
    }
}
