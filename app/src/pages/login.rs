//! Sign-in: with a password, or with an IAM token the user already has.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{login_page_info, Login, LoginToken};
use crate::components::error_box::ErrorBox;
use crate::dto::{PortalInfo, SignedIn};
use crate::error::AppError;
use crate::i18n::{t, Key};

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Password,
    Token,
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let info = Resource::new_blocking(|| (), |_| login_page_info());
    let next = Memo::new(move |_| use_query_map().with(|q| q.get("next")).unwrap_or_default());
    let tab = RwSignal::new(Tab::Password);
    view! {
        <main id="main" class="login">
            <section class="login-card">
                <h1>{t(Key::AppName)}</h1>
                <p class="muted">{t(Key::Tagline)}</p>
                <div role="tablist" class="tabs" aria-label=t(Key::SignInMethod)>
                    <TabButton tab me=Tab::Password id="tab-password" panel="panel-password" label=t(Key::TabPassword)/>
                    <TabButton tab me=Tab::Token id="tab-token" panel="panel-token" label=t(Key::TabToken)/>
                </div>
                <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(info) => view! {
                                <div id="panel-password" role="tabpanel" aria-labelledby="tab-password"
                                    hidden=move || tab.get() != Tab::Password>
                                    <PasswordForm info=info.clone() next/>
                                </div>
                                <div id="panel-token" role="tabpanel" aria-labelledby="tab-token"
                                    hidden=move || tab.get() != Tab::Token>
                                    <TokenForm info=info.clone() next/>
                                </div>
                                <DemoHint info/>
                            }.into_any(),
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn TabButton(
    tab: RwSignal<Tab>,
    me: Tab,
    id: &'static str,
    panel: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <button type="button" role="tab" id=id aria-controls=panel
            aria-selected=move || (tab.get() == me).to_string()
            class:active=move || tab.get() == me
            on:click=move |_| tab.set(me)>
            {label}
        </button>
    }
}

/// After a successful sign-in, load the destination as a full page so it renders with the new
/// session cookie.
fn go_on_success(value: Option<Result<SignedIn, AppError>>) {
    if let Some(Ok(signed_in)) = value {
        let _ = window().location().set_href(&signed_in.next);
    }
}

fn field_error(value: Option<Result<SignedIn, AppError>>, field: &str) -> Option<String> {
    match value {
        Some(Err(e)) if e.field.as_deref() == Some(field) => Some(e.message),
        _ => None,
    }
}

fn form_error(value: Option<Result<SignedIn, AppError>>) -> Option<AppError> {
    match value {
        Some(Err(e)) if e.field.is_none() => Some(e),
        _ => None,
    }
}

#[component]
fn FieldError(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

#[component]
fn RegionSelect(info: PortalInfo, id: &'static str) -> impl IntoView {
    let default = info.default_region.clone();
    view! {
        <label for=id>{t(Key::Region)}</label>
        <select id=id name="region" required>
            {info.regions.into_iter().map(|r| {
                let selected = r == default;
                view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
            }).collect_view()}
        </select>
    }
}

/// Where the browser keeps the IAM user id the MFA step needs (an id, not a secret), so the
/// step asks only for the passcode next time.
const MFA_USER_ID_KEY: &str = "secportal.mfa_user_id";

fn local_storage() -> Option<web_sys::Storage> {
    crate::components::form::browser_storage(false)
}

#[component]
fn PasswordForm(info: PortalInfo, next: Memo<String>) -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let password = NodeRef::<html::Input>::new();
    let passcode = NodeRef::<html::Input>::new();
    let mfa_user_id = NodeRef::<html::Input>::new();
    // The passcode step: always when the portal requires MFA, else once IAM asked for it.
    let mfa_step = RwSignal::new(info.require_mfa);
    Effect::new(move |_| {
        if let (Some(input), Some(store)) = (mfa_user_id.get(), local_storage()) {
            if let Ok(Some(id)) = store.get_item(MFA_USER_ID_KEY) {
                input.set_value(&id);
            }
        }
    });
    Effect::new(move |_| {
        let value = action.value().get();
        match &value {
            // IAM (or the portal) asks for the passcode: the password was fine and stays.
            Some(Err(e)) if matches!(e.field.as_deref(), Some("passcode" | "mfa_user_id")) => {
                mfa_step.set(true);
                let target = if e.field.as_deref() == Some("mfa_user_id") { mfa_user_id } else { passcode };
                if let Some(input) = target.get() {
                    let _ = input.focus();
                }
            }
            // A refused password is cleared; account and user name stay for the next try.
            Some(Err(_)) => {
                if let Some(input) = password.get() {
                    input.set_value("");
                    let _ = input.focus();
                }
            }
            Some(Ok(_)) => {
                let id = mfa_user_id.get().map(|i| i.value()).unwrap_or_default();
                if let (false, Some(store)) = (id.trim().is_empty(), local_storage()) {
                    let _ = store.set_item(MFA_USER_ID_KEY, id.trim());
                }
            }
            None => {}
        }
        go_on_success(value);
    });
    let err = move |field: &'static str| Signal::derive(move || field_error(action.value().get(), field));
    view! {
        <ActionForm action>
            <input type="hidden" name="next" prop:value=move || next.get()/>
            <label for="domain">{t(Key::AccountName)}</label>
            <input id="domain" name="domain" autocomplete="organization" required maxlength="64"
                aria-describedby="domain-error"/>
            <FieldError id="domain-error" message=err("domain")/>
            <label for="user">{t(Key::IamUserName)}</label>
            <input id="user" name="user" autocomplete="username" required maxlength="64"
                aria-describedby="user-error"/>
            <FieldError id="user-error" message=err("user")/>
            <label for="password">{t(Key::Password)}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                maxlength="1024" node_ref=password aria-describedby="password-error"/>
            <FieldError id="password-error" message=err("password")/>
            <fieldset class="mfa-step" hidden=move || !mfa_step.get()>
                <label for="passcode">{t(Key::MfaPasscode)}</label>
                <input id="passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6" node_ref=passcode required=move || mfa_step.get()
                    aria-describedby="passcode-help passcode-error"/>
                <p class="help" id="passcode-help">{t(Key::MfaPasscodeHelp)}</p>
                <FieldError id="passcode-error" message=err("passcode")/>
                <label for="mfa_user_id">{t(Key::MfaUserId)}</label>
                <input id="mfa_user_id" name="mfa_user_id" maxlength="64" autocomplete="off" spellcheck="false"
                    node_ref=mfa_user_id required=move || mfa_step.get()
                    aria-describedby="mfa_user_id-help mfa_user_id-error"/>
                <p class="help" id="mfa_user_id-help">{t(Key::MfaUserIdHelp)}</p>
                <FieldError id="mfa_user_id-error" message=err("mfa_user_id")/>
            </fieldset>
            <RegionSelect info id="region"/>
            <FieldError id="region-error" message=err("region")/>
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { t(Key::SigningIn) } else { t(Key::SignIn) }}
            </button>
            {move || form_error(action.value().get()).map(|error| view! { <ErrorBox error/> })}
        </ActionForm>
    }
}

#[component]
fn TokenForm(info: PortalInfo, next: Memo<String>) -> impl IntoView {
    let action = ServerAction::<LoginToken>::new();
    Effect::new(move |_| go_on_success(action.value().get()));
    let err = move |field: &'static str| Signal::derive(move || field_error(action.value().get(), field));
    view! {
        <ActionForm action>
            <input type="hidden" name="next" prop:value=move || next.get()/>
            <label for="token">{t(Key::IamToken)}</label>
            <textarea id="token" name="token" rows="4" required autocomplete="off" spellcheck="false"
                aria-describedby="token-help token-error"></textarea>
            <p class="help" id="token-help">{t(Key::TokenHelp)}</p>
            <FieldError id="token-error" message=err("token")/>
            <RegionSelect info id="token-region"/>
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                {t(Key::TabToken)}
            </button>
            {move || form_error(action.value().get()).map(|error| view! { <ErrorBox error/> })}
        </ActionForm>
    }
}

#[component]
fn DemoHint(info: PortalInfo) -> impl IntoView {
    info.demo.map(|demo| {
        view! {
            <aside class="demo-hint" aria-label=t(Key::DemoCredentials)>
                <h2>{t(Key::DemoCredentials)}</h2>
                <p>{t(Key::DemoExplain)}</p>
                <dl>
                    <dt>{t(Key::AccountName)}</dt><dd><code>{demo.domain}</code></dd>
                    {demo.accounts.into_iter().map(|a| view! {
                        <dt>{t(Key::IamUserName)}</dt><dd><code>{a.user}</code> " / " <code>{a.password}</code></dd>
                    }).collect_view()}
                    <dt>{t(Key::Region)}</dt><dd><code>{demo.region}</code></dd>
                </dl>
            </aside>
        }
    })
}
