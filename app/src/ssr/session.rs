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
