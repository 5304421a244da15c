//! What a signed-in session holds, and the rules that end it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::identity::Owner;
use super::Portal;
use crate::error::{AppError, ErrorKind};

pub const AUTH_KEY: &str = "auth";

/// The session's record of a signed-in user. The token is sealed by the vault; the browser
/// only ever holds the opaque session id.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub sealed_token: String,
    pub user_id: String,
    pub user_name: String,
    pub domain_id: String,
    pub domain_name: String,
    pub project_id: String,
    pub project_name: String,
    /// Unix seconds.
    pub token_expires_at: i64,
    /// Unix seconds: the absolute end of this session, whatever the activity.
    pub ends_at: i64,
    /// Unix seconds: the sign-in (0 for sessions signed in before it was kept).
    #[serde(default)]
    pub started_at: i64,
    /// The client's address and browser at sign-in, for the sessions page.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub user_agent: String,
    /// IAM said at sign-in that the user is in the administrators' group
    /// (`SECPORTAL_ADMIN_GROUP`).
    #[serde(default)]
    pub group_admin: bool,
}

impl SessionAuth {
    /// Sub-projects are named `<region>_<name>`; the region is the part before the underscore.
    pub fn region(&self) -> &str {
        self.project_name.split('_').next().unwrap_or(&self.project_name)
    }

    pub fn owner(&self) -> Owner {
        Owner {
            user_id: self.user_id.clone(),
            user_name: self.user_name.clone(),
            domain_id: self.domain_id.clone(),
            project_id: self.project_id.clone(),
            region: self.region().to_string(),
        }
    }

    /// The cloud identity behind this session. A token sealed with another key (the key
    /// changed) cannot be opened: that reads as signed out.
    pub fn caller(&self, portal: &Portal) -> Result<cloud::Caller, AppError> {
        self.owner().caller(&portal.vault, &self.sealed_token).map_err(|_| AppError::signed_out())
    }
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// When the session last moved its idle clock (unix seconds).
pub(super) const SEEN_KEY: &str = "seen";
/// The idle clock moves at most this often: the session is written then, and otherwise only
/// when it changes, so reading a page or a list writes nothing.
const TOUCH_EVERY_SECS: i64 = 60;

/// The signed-in user, or `None`. A session past its absolute end or its token's expiry is
/// deleted here, so every caller treats it as signed out. Use moves the idle clock, once a
/// minute at most.
pub async fn current(session: &Session) -> Option<SessionAuth> {
    let auth: SessionAuth = session.get(AUTH_KEY).await.ok().flatten()?;
    let now = now();
    if now >= auth.ends_at || now >= auth.token_expires_at {
        let _ = session.flush().await;
        return None;
    }
    let seen: i64 = session.get(SEEN_KEY).await.ok().flatten().unwrap_or(0);
    if now - seen >= TOUCH_EVERY_SECS {
        if let Err(e) = session.insert(SEEN_KEY, now).await {
            tracing::warn!(error = %e, "could not move the session's idle clock");
        }
    }
    Some(auth)
}

/// The request's session (the session layer puts it there).
pub async fn extract() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer");
        AppError::new(ErrorKind::Internal, crate::i18n::t(crate::i18n::Key::ErrSessionStore))
    })
}

/// A signed-in request: the portal's services, the session's record of the user, and the
/// cloud identity to call with (the token unsealed for just this request). Signed out: 401.
pub struct SignedIn {
    pub portal: Arc<Portal>,
    pub auth: SessionAuth,
    pub caller: cloud::Caller,
    /// The request's client address and id, and the session's id: what audit entries carry,
    /// made into an [`Actor`](super::audit::Actor) only by the changes that write one.
    meta: (String, String),
    pub(super) session_id: Option<tower_sessions::session::Id>,
}

impl SignedIn {
    /// Who acts, from where, in which request and session.
    pub fn actor(&self) -> super::audit::Actor {
        let (client, request_id) = self.meta.clone();
        super::audit::Actor::of(&self.auth, client, request_id, super::audit::hash_of(self.session_id))
    }
}

/// The signed-in user of this request. Contexts are read before the first await, since a
/// resource's future may be polled later outside the reactive owner.
pub async fn signed_in() -> Result<SignedIn, AppError> {
    let portal = super::portal();
    let meta = super::audit::request_meta();
    let session = extract().await?;
    let auth = current(&session).await.ok_or_else(AppError::signed_out)?;
    let caller = auth.caller(&portal)?;
    Ok(SignedIn { portal, auth, caller, meta, session_id: session.id() })
}

/// Signs in: a new session id first, so an id planted before sign-in is worthless after it.
pub async fn start(session: &Session, auth: SessionAuth) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)?;
    session.insert(SEEN_KEY, now()).await.map_err(store_error)?;
    session.insert(AUTH_KEY, auth).await.map_err(store_error)?;
    // Stored now rather than after the answer, so the new id exists for the sign-in's audit
    // entry (one more write, at sign-in only).
    session.save().await.map_err(store_error)
}

/// Signs out: deletes the record in the store and expires the cookie.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(store_error)
}

fn store_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::new(ErrorKind::Internal, crate::i18n::t(crate::i18n::Key::ErrSessionStore))
}
