//! Browser entry point: hydrates the server-rendered page into the live app.

// Leptos views are deeply nested types; the release wasm build needs more room for them.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
