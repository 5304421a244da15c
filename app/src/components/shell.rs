//! The frame around every signed-in page: top bar, navigation, demo banner.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::api::{whoami, Logout};
use crate::components::error_box::ErrorBox;
use crate::components::time::remaining;
use crate::dto::Me;
use crate::error::AppError;
use crate::i18n::{t, Key};

/// The signed-in user, shared with the pages under the shell.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Me, AppError>>);

#[component]
pub fn Shell() -> impl IntoView {
    let me = Resource::new_blocking(|| (), |_| whoami());
    provide_context(MeResource(me));
    // The pages sit outside this Suspense: a resource a page creates inside a Suspense's
    // children is created again each time Leptos re-walks them on the server, and then that
    // Suspense can wait for ever (leptos-rs/leptos#4866); seen here as `/history` streams that
    // stopped after nine copies of its list resource.
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(me) => view! { <Frame me/> }.into_any(),
                    Err(error) => view! { <div class="page narrow"><ErrorBox error/></div> }.into_any(),
                }
            })}
        </Suspense>
        <main id="main" class="page">
            <Outlet/>
        </main>
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    // Counts down in the browser from the server's clock, so a skewed client clock cannot lie.
    let left = RwSignal::new(me.token_expires_at - me.server_now);
    Effect::new(move |_| {
        let _ = set_interval_with_handle(move || left.update(|s| *s -= 30), Duration::from_secs(30));
    });
    view! {
        {me.demo.then(|| view! { <div class="demo-banner" role="status">{t(Key::DemoBanner)}</div> })}
        <header class="topbar">
            <a class="brand" href="/">{t(Key::AppName)}</a>
            <nav aria-label=t(Key::NavLabel)>
                <A href="/" exact=true>{t(Key::NavDashboard)}</A>
                <A href="/exports">{t(Key::NavExports)}</A>
                <A href="/scans">{t(Key::NavScans)}</A>
                <A href="/history">{t(Key::NavHistory)}</A>
                <A href="/masking">{t(Key::NavMasking)}</A>
                <A href="/audit">{t(Key::NavAudit)}</A>
                <A href="/sessions">{t(Key::NavSessions)}</A>
            </nav>
            <div class="who">
                <span class="who-user" title=t(Key::User)>{me.user.clone()}</span>
                <span class="who-sep">"@"</span>
                <span class="who-domain" title=t(Key::Account)>{me.domain.clone()}</span>
                <span class="who-project" title=t(Key::Project)>{me.project_name.clone()}</span>
                <span class="who-token" title=t(Key::TokenLifetime)>
                    {t(Key::TokenLeft)} " " {move || remaining(left.get())}
                </span>
                // Asks first: running tasks keep being followed unless the user says otherwise.
                <details class="sign-out">
                    <summary class="link-button">{t(Key::SignOut)}</summary>
                    <ActionForm action=logout attr:class="sign-out-form">
                        <label class="inline-choice">
                            <input type="checkbox" name="stop_following" value="true"/>
                            " " {t(Key::StopFollowing)}
                        </label>
                        <button type="submit" class="button small">{t(Key::SignOutConfirm)}</button>
                    </ActionForm>
                </details>
            </div>
        </header>
    }
}
