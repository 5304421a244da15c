//! Sign-in, sign-out and who is signed in.

use cloud::iam::{MfaCode, PasswordLogin, TokenInfo};
use cloud::{CloudError, Secret, IAM_REGIONS};

use super::audit;
use super::session::{self, extract as session, SessionAuth};
use super::{from_cloud, portal};
use crate::dto::audit::AuditAction;
use crate::dto::{safe_next, Me, PortalInfo, SignedIn};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};
use cloud::model::required_text;

const DEFAULT_REGION: &str = "cn-north-4";

fn check_region(region: &str) -> Result<(), AppError> {
    if IAM_REGIONS.contains(&region) {
        Ok(())
    } else {
        Err(AppError::invalid("region", t(Key::ErrRegion)))
    }
}

fn required(field: &'static str, value: &str, max: usize) -> Result<(), AppError> {
    required_text(field, value, max).map_err(|e| AppError::refused(e, &[]))
}

/// IAM refusals during sign-in all read the same, so the answer does not tell an attacker which
/// of account, user, password or region was wrong.
fn sign_in_error(e: CloudError) -> AppError {
    match e.status() {
        Some(400..=404) => AppError {
            request_id: e.request_id().map(str::to_string),
            ..AppError::new(ErrorKind::BadCredentials, t(Key::ErrBadCredentials))
        },
        _ => from_cloud(e),
    }
}

/// The passcode step's fields, when a passcode was typed (the browser may send a remembered user
/// id alone); their format is the cloud's rule (`PasswordLogin::validate`). `require` refuses
/// a sign-in without one.
fn mfa_code(
    user_id: Option<String>,
    passcode: Option<String>,
    require: bool,
) -> Result<Option<MfaCode>, AppError> {
    match passcode.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()) {
        Some(passcode) => Ok(Some(MfaCode {
            user_id: user_id.map(|u| u.trim().to_string()).unwrap_or_default(),
            passcode: Secret::new(passcode),
        })),
        None if require => Err(AppError::invalid("passcode", t(Key::ErrMfaRequiredHere))),
        None => Ok(None),
    }
}

pub async fn login(
    domain: String,
    user: String,
    password: String,
    region: String,
    next: Option<String>,
    mfa_user_id: Option<String>,
    passcode: Option<String>,
) -> Result<SignedIn, AppError> {
    required("domain", &domain, 64)?;
    required("user", &user, 64)?;
    required("password", &password, 1024)?;
    check_region(&region)?;
    let portal = portal();
    let (client, request_id) = audit::request_meta();
    let mfa = mfa_code(mfa_user_id, passcode, portal.require_mfa)?;
    let login = PasswordLogin {
        domain: domain.trim().to_string(),
        user: user.trim().to_string(),
        password: Secret::new(password),
        project_name: region,
        mfa,
    };
    login.validate().map_err(|e| AppError::refused(e, &[]))?;
    // What a refused try is recorded as: only the names typed are known.
    let attempt = audit::Actor {
        domain_name: login.domain.clone(),
        user_name: login.user.clone(),
        region: login.project_name.clone(),
        client: client.clone(),
        request_id,
        ..Default::default()
    };
    let params = serde_json::json!({"method": "password", "passcode": login.mfa.is_some()});
    let signed_in = async {
        // Refused tries never reach IAM: guessing costs the guesser, and cannot lock the real
        // user out of the cloud.
        let account = format!("{}/{}", login.domain.to_lowercase(), login.user.to_lowercase());
        throttle(&portal, &client, Some(&account)).await?;
        let issued = portal.cloud.iam_password_token(&login).await.map_err(|e| {
            // Debug formatting escapes control characters: a CR/LF in a sign-in field cannot
            // forge a log line.
            tracing::info!(domain = ?login.domain, user = ?login.user, error = %e, "sign-in refused");
            if e.is_mfa_required() {
                // The password was right; the user's login protection asks for the passcode step.
                return AppError::invalid("passcode", t(Key::ErrMfaNeeded));
            }
            sign_in_error(e)
        })?;
        establish(issued.token, issued.info, next, &attempt).await
    }
    .await;
    record_sign_in(&portal, &attempt, params, signed_in).await
}

/// Records a sign-in, as who it turned out to be or as the names typed, and answers it.
async fn record_sign_in(
    portal: &super::Portal,
    attempt: &audit::Actor,
    params: serde_json::Value,
    outcome: Result<(SignedIn, audit::Actor), AppError>,
) -> Result<SignedIn, AppError> {
    let (actor, result) = match &outcome {
        Ok((_, actor)) => (actor, audit::Outcome::ok()),
        Err(e) => (attempt, audit::Outcome::of_error(e)),
    };
    let target = audit::target("session", "", "");
    audit::Record { actor, action: AuditAction::SignIn, target, params }.write(portal, result).await;
    outcome.map(|(signed_in, _)| signed_in)
}

pub async fn login_token(token: String, region: String, next: Option<String>) -> Result<SignedIn, AppError> {
    required("token", &token, 32_768)?;
    check_region(&region)?;
    let portal = portal();
    let (client, request_id) = audit::request_meta();
    let attempt =
        audit::Actor { region: region.clone(), client: client.clone(), request_id, ..Default::default() };
    let signed_in = async {
        // A token names no account before IAM has read it: the address alone counts.
        throttle(&portal, &client, None).await?;
        let token = Secret::new(token.trim().to_string());
        let info = portal.cloud.iam_validate_token(&region, &token).await.map_err(|e| {
            tracing::info!(error = %e, "token sign-in refused");
            match e {
                CloudError::Invalid { .. } => from_cloud(e),
                other => sign_in_error(other),
            }
        })?;
        if portal.require_mfa && !info.with_mfa() {
            tracing::info!(user = ?info.user.name, "token sign-in refused: issued without MFA");
            return Err(AppError::invalid("token", t(Key::ErrTokenWithoutMfa)));
        }
        establish(token, info, next, &attempt).await
    }
    .await;
    record_sign_in(&portal, &attempt, serde_json::json!({"method": "token"}), signed_in).await
}

/// Starts the session; answers where to go and who signed in, for the audit entry.
async fn establish(
    token: Secret,
    info: TokenInfo,
    next: Option<String>,
    attempt: &audit::Actor,
) -> Result<(SignedIn, audit::Actor), AppError> {
    let Some(project) = info.project.clone() else {
        return Err(AppError::invalid("token", t(Key::ErrTokenNotProjectScoped)));
    };
    let portal = portal();
    let user_agent = audit::user_agent();
    let token_expires_at = info.expires_at.unix_timestamp();
    let ends_at = (session::now() + portal.session_max_lifetime.as_secs() as i64).min(token_expires_at);
    let group_admin = in_admin_group(&portal, &token, &project.name, &info.user.id).await;
    let auth = SessionAuth {
        sealed_token: portal.vault.seal(&token),
        user_id: info.user.id,
        user_name: info.user.name,
        domain_id: info.user.domain.id,
        domain_name: info.user.domain.name,
        project_id: project.id,
        project_name: project.name,
        token_expires_at,
        ends_at,
        started_at: session::now(),
        client: attempt.client.clone(),
        user_agent,
        group_admin,
    };
    tracing::info!(user = %auth.user_name, domain = %auth.domain_name, project = %auth.project_name, "signed in");
    let (owner, sealed) = (auth.owner(), auth.sealed_token.clone());
    let session = session().await?;
    let actor = audit::Actor::of(&auth, attempt.client.clone(), attempt.request_id.clone(), String::new());
    session::start(&session, auth).await?;
    // The hash of the new id (`start` cycles it).
    let actor = audit::Actor { session_hash: audit::session_hash(&session), ..actor };
    // Exports still running under an expired sign-in go on with this one.
    match portal.tasks.refresh_credentials(&owner, &sealed, token_expires_at, super::now_ms()).await {
        Ok(0) => {}
        Ok(_) => portal.tracker.notify_one(),
        Err(e) => tracing::warn!(error = %e, "could not hand the new sign-in to running exports"),
    }
    Ok((SignedIn { next: safe_next(next.as_deref()) }, actor))
}

/// Whether IAM puts the user in the administrators' group (`SECPORTAL_ADMIN_GROUP`), asked once
/// at sign-in with the user's own token. IAM answers only callers with IAM read permission, so
/// the group must grant it (IAM ReadOnlyAccess); a user IAM will not answer is not taken for an
/// administrator, and the sign-in goes on.
async fn in_admin_group(portal: &super::Portal, token: &Secret, project_name: &str, user_id: &str) -> bool {
    let Some(group) = portal.admin_group.as_deref() else { return false };
    let region = project_name.split('_').next().unwrap_or(project_name);
    match portal.cloud.iam_user_groups(region, token, user_id).await {
        Ok(groups) => groups.iter().any(|g| g.name == group),
        Err(e) => {
            tracing::info!(error = %e, "IAM did not list the user's groups: not an administrator by group");
            false
        }
    }
}

/// Sign-in tries allowed per client address and per account/user a minute.
async fn throttle(portal: &super::Portal, client: &str, account: Option<&str>) -> Result<(), AppError> {
    let mut allowed = portal.sign_in_budget.acquire(&format!("ip:{client}"), "sign_in_address").await;
    if let (Ok(()), Some(account)) = (&allowed, account) {
        allowed = portal.sign_in_budget.acquire(&format!("user:{account}"), "sign_in_account").await;
    }
    allowed.map_err(|wait| {
        tracing::warn!(client = ?client, account = ?account, wait_secs = wait.as_secs(), "sign-in throttled");
        AppError {
            retry_after_secs: Some(wait.as_secs().max(1)),
            ..AppError::new(ErrorKind::Throttled, t(Key::ErrSignInThrottled))
        }
    })
}

pub async fn logout(stop_following: bool) -> Result<(), AppError> {
    let portal = portal();
    let (client, request_id) = audit::request_meta();
    let session = session().await?;
    if let Some(auth) = session::current(&session).await {
        tracing::info!(user = %auth.user_name, domain = %auth.domain_name, stop_following, "signed out");
        let actor = audit::Actor::of(&auth, client, request_id, audit::session_hash(&session));
        let params = serde_json::json!({"stop_following": stop_following});
        let target = audit::target("session", "", "");
        audit::Record { actor: &actor, action: AuditAction::SignOut, target, params }
            .write(&portal, audit::Outcome::ok())
            .await;
        if stop_following {
            let note = crate::i18n::t(crate::i18n::Key::NoteStoppedAtSignOut);
            if let Err(e) = portal.tasks.drop_credentials(&auth.domain_id, &auth.user_id, note).await {
                tracing::warn!(error = %e, "could not stop following the user's tasks");
            }
        }
    }
    session::end(&session).await
}

pub async fn whoami() -> Result<Me, AppError> {
    // Context first: later polls of a resource's future may run outside the reactive owner.
    let demo = portal().demo.is_some();
    let auth = session::current(&session().await?).await.ok_or_else(AppError::signed_out)?;
    Ok(Me {
        user: auth.user_name,
        domain: auth.domain_name,
        project_id: auth.project_id,
        project_name: auth.project_name,
        token_expires_at: auth.token_expires_at,
        server_now: session::now(),
        demo,
    })
}

pub fn login_page_info() -> PortalInfo {
    let portal = portal();
    let demo = portal.demo.clone();
    let default_region = demo.as_ref().map_or(DEFAULT_REGION, |d| d.region.as_str()).to_string();
    PortalInfo {
        demo,
        regions: IAM_REGIONS.iter().map(|r| r.to_string()).collect(),
        default_region,
        require_mfa: portal.require_mfa,
    }
}
