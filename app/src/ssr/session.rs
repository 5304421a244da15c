//! What a signed-in session holds, and the rules that end it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::{AppError, ErrorKind};

const AUTH_KEY: &str = "auth";

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
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The signed-in user, or `None`. A session past its absolute end or its token's expiry is
/// deleted here, so every caller treats it as signed out.
pub async fn current(session: &Session) -> Option<SessionAuth> {
    let auth: SessionAuth = session.get(AUTH_KEY).await.ok().flatten()?;
    let now = now();
    if now >= auth.ends_at || now >= auth.token_expires_at {
        let _ = session.flush().await;
        return None;
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

/// The signed-in user's cloud identity for a call: region and project from the session, the
/// token unsealed for just this request. Signed out: 401.
///
/// Returns the portal's services too: contexts are read before the first await, since a
/// resource's future may be polled later outside the reactive owner.
pub async fn caller() -> Result<(std::sync::Arc<super::Portal>, cloud::Caller), AppError> {
    let (portal, _, caller) = signed_in().await?;
    Ok((portal, caller))
}

/// Like [`caller`], with the session's record of the user as well.
pub async fn signed_in() -> Result<(std::sync::Arc<super::Portal>, SessionAuth, cloud::Caller), AppError> {
    let portal = super::portal();
    let session = extract();
    let auth = current(&session.await?).await.ok_or_else(AppError::signed_out)?;
    let caller = caller_for(&portal, &auth)?;
    Ok((portal, auth, caller))
}

/// The cloud identity behind a session record.
pub fn caller_for(portal: &super::Portal, auth: &SessionAuth) -> Result<cloud::Caller, AppError> {
    let token = portal.vault.open(&auth.sealed_token).map_err(|_| {
        // A session sealed with another key (the key changed): treat as signed out.
        AppError::signed_out()
    })?;
    Ok(cloud::Caller {
        region: auth.region().to_string(),
        project_id: auth.project_id.clone(),
        credentials: cloud::Credentials::Token(token),
    })
}

impl SessionAuth {
    /// Sub-projects are named `<region>_<name>`; the region is the part before the underscore.
    pub fn region(&self) -> &str {
        self.project_name.split('_').next().unwrap_or(&self.project_name)
    }

    pub fn owner(&self) -> super::history::Owner {
        super::history::Owner {
            user_id: self.user_id.clone(),
            user_name: self.user_name.clone(),
            domain_id: self.domain_id.clone(),
            project_id: self.project_id.clone(),
            region: self.region().to_string(),
        }
    }

    /// Keys cached cloud lists: they belong to one user in one project.
    pub fn list_key(&self) -> String {
        super::lists::list_key(&self.domain_id, &self.user_id, &self.project_id)
    }
}

/// Signs in: a new session id first, so an id planted before sign-in is worthless after it.
pub async fn start(session: &Session, auth: SessionAuth) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)?;
    session.insert(AUTH_KEY, auth).await.map_err(store_error)
}

/// Signs out: deletes the record in the store and expires the cookie.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(store_error)
}

fn store_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::new(ErrorKind::Internal, crate::i18n::t(crate::i18n::Key::ErrSessionStore))
}
