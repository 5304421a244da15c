//! SecPortal's user interface and its server functions.
//!
//! Shared types (what crosses the wire, and the rules that validate it) sit at the top level so
//! the browser and the server say the same thing. Server-only code lives in [`ssr`], behind the
//! `ssr` feature, and never reaches the wasm build.

pub mod api;
pub mod components;
pub mod dto;
pub mod error;
pub mod i18n;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::i18n::{t, Key};
use crate::pages::audit::AuditLogPage;
use crate::pages::exports::ExportsPage;
use crate::pages::history::HistoryPage;
use crate::pages::masking::{instances::InstancesPage, rules::RulesPage};
use crate::pages::scans::{
    detail::ScanTaskPage, new_cluster::NewClusterScanPage, new_iac::NewIacScanPage, ScansPage,
};
use crate::pages::sessions::SessionsPage;
use crate::pages::{dashboard::Dashboard, login::LoginPage, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::csp::provide_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: tests wait for this mark before they
    // click, and it tells a person debugging that the wasm is live.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/secportal.css"/>
        <Title text=t(Key::AppName)/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("/") view=Shell>
                    <Route path=path!("") view=Dashboard/>
                    <Route path=path!("exports") view=ExportsPage/>
                    <Route path=path!("history") view=HistoryPage/>
                    <Route path=path!("scans") view=ScansPage/>
                    <Route path=path!("scans/new-cluster") view=NewClusterScanPage/>
                    <Route path=path!("scans/new-iac") view=NewIacScanPage/>
                    <Route path=path!("scans/:type/:id") view=ScanTaskPage/>
                    <Route path=path!("masking") view=InstancesPage/>
                    <Route path=path!("masking/:id") view=RulesPage/>
                    <Route path=path!("audit") view=AuditLogPage/>
                    <Route path=path!("sessions") view=SessionsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
