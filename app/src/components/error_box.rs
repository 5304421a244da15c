use leptos::prelude::*;

use crate::dto::encode_query_value;
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, tf, Key};

/// A failure as a person can act on it: what failed, the cloud's code and request id, and the
/// next step.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let hint = match error.kind {
        ErrorKind::SignedOut => {
            Some(view! { <a class="button" href=sign_in_again_href()>{t(Key::SignInAgain)}</a> }.into_any())
        }
        ErrorKind::Forbidden => Some(view! { <span>{t(Key::HintForbidden)}</span> }.into_any()),
        ErrorKind::Throttled => Some(match error.retry_after_secs {
            Some(s) => view! { <span>{tf(Key::TryAgainIn, &[("secs", &s)])}</span> }.into_any(),
            None => view! { <span>{t(Key::HintThrottled)}</span> }.into_any(),
        }),
        ErrorKind::Unavailable => Some(view! { <span>{t(Key::HintUnavailable)}</span> }.into_any()),
        _ => None,
    };
    view! {
        <div class="error-box" role="alert">
            <p class="error-message">{error.message.clone()}</p>
            {error.cloud_code.clone().map(|c| view! { <p class="error-meta">{t(Key::ErrorCode)} " " <code>{c}</code></p> })}
            {error.request_id.clone().map(|r| view! { <p class="error-meta">{t(Key::RequestId)} " " <code>{r}</code></p> })}
            {hint.map(|h| view! { <p class="error-hint">{h}</p> })}
        </div>
    }
}

/// The login link that brings the user back to this page afterwards.
fn sign_in_again_href() -> String {
    let location = leptos_router::hooks::use_location();
    // The router's `search` comes without its `?`.
    let search = location.search.get_untracked();
    let search = match search.as_str() {
        "" => String::new(),
        s if s.starts_with('?') => s.to_string(),
        s => format!("?{s}"),
    };
    let here = format!("{}{search}", location.pathname.get_untracked());
    let here = if here.is_empty() { "/".to_string() } else { here };
    format!("/login?next={}", encode_query_value(&here))
}
