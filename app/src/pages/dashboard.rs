use leptos::prelude::*;

use crate::components::shell::MeResource;
use crate::i18n::{t, Key};

#[component]
pub fn Dashboard() -> impl IntoView {
    let MeResource(me) = expect_context::<MeResource>();
    view! {
        <h1>{t(Key::DashboardTitle)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                me.await.ok().map(|me| view! {
                    <p class="lead">
                        {t(Key::SignedInAs)} " " <strong>{me.user}</strong> " " {t(Key::InAccount)} " "
                        <strong>{me.domain}</strong> ", " {t(Key::Project)} " " <strong>{me.project_name}</strong>
                        " (" <code>{me.project_id}</code> ")."
                    </p>
                })
            })}
        </Suspense>
        <section class="cards" aria-label=t(Key::WhatYouCanDo)>
            <article class="card">
                <h2>{t(Key::CardExportsTitle)}</h2>
                <p>{t(Key::CardExportsText)}</p>
            </article>
            <article class="card">
                <h2>{t(Key::CardScansTitle)}</h2>
                <p>{t(Key::CardScansText)}</p>
            </article>
            <article class="card">
                <h2><a href="/masking">{t(Key::CardMaskingTitle)}</a></h2>
                <p>{t(Key::CardMaskingText)}</p>
            </article>
        </section>
        <p class="muted">{t(Key::DashboardComingSoon)}</p>
    }
}
