//! Server functions, at stable paths under `/api` so scripts and tests can call them too.
//! Each is thin: the work is in the same-named function of [`crate::ssr`]'s same-named module.
//! The server sets the HTTP status of a failed call from its [`AppError`] kind.

pub mod audit;
pub mod codec;
pub mod exports;
pub mod masking;
pub mod scans;
pub mod sessions;
pub mod tasks;

use leptos::prelude::*;

use crate::dto::{Me, PortalInfo, SignedIn};
use crate::error::AppError;
use codec::Answer;

/// Password sign-in. Form fields: `domain`, `user`, `password`, `region`, optional `next`, and
/// for users with virtual-MFA login protection `mfa_user_id` and `passcode` (an error on the
/// field `passcode` asks for them).
#[server(endpoint = "auth/login", output = Answer)]
pub async fn login(
    domain: String,
    user: String,
    password: String,
    region: String,
    #[server(default)] next: Option<String>,
    #[server(default)] mfa_user_id: Option<String>,
    #[server(default)] passcode: Option<String>,
) -> Result<SignedIn, AppError> {
    crate::ssr::auth::login(domain, user, password, region, next, mfa_user_id, passcode).await
}

/// Sign-in with an existing IAM token, checked against IAM first. Form fields: `token`, `region`,
/// optional `next`.
#[server(endpoint = "auth/login_token", output = Answer)]
pub async fn login_token(
    token: String,
    region: String,
    #[server(default)] next: Option<String>,
) -> Result<SignedIn, AppError> {
    crate::ssr::auth::login_token(token, region, next).await
}

/// Ends the session: deletes it on the server and the cookie in the browser. The user's
/// running tasks keep being followed unless `stop_following` is set (then they wait for the
/// next sign-in).
#[server(endpoint = "auth/logout", output = Answer)]
pub async fn logout(#[server(default)] stop_following: bool) -> Result<(), AppError> {
    crate::ssr::auth::logout(stop_following).await
}

/// Who is signed in; 401 when nobody is.
#[server(endpoint = "auth/whoami", output = Answer)]
pub async fn whoami() -> Result<Me, AppError> {
    crate::ssr::auth::whoami().await
}

/// What the login page shows: regions, and the demo accounts in demo mode.
#[server(endpoint = "portal/info", output = Answer)]
pub async fn login_page_info() -> Result<PortalInfo, AppError> {
    Ok(crate::ssr::auth::login_page_info())
}
