//! The sessions page's work: a user's live sessions (or, for an administrator, the account's),
//! and ending one of them or all the user's others. The server's session stores keep the index
//! by account and user; a session is named here by its hash, since its id is what its cookie
//! holds. Every ended session writes a `session_ended` audit entry.

use std::collections::HashMap;

use async_trait::async_trait;
use tower_sessions::session::Id;

use super::audit::{self, is_admin, Outcome, Record};
use super::session::{signed_in, SessionAuth, SignedIn, AUTH_KEY, SEEN_KEY};
use super::store_failed;
use super::tasks::StoreError;
use crate::dto::audit::AuditAction;
use crate::dto::sessions::{SessionList, SessionView};
use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};

/// A session's record as its store holds it (tower-sessions' key/value data).
pub type SessionData = HashMap<String, serde_json::Value>;

#[async_trait]
pub trait SessionDirectory: Send + Sync {
    /// The live sessions of an account, or of one user in it.
    async fn list(
        &self,
        domain_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<(Id, SessionData)>, StoreError>;
    /// Ends a session: its cookie opens nothing from now on.
    async fn end(&self, id: &Id) -> Result<(), StoreError>;
}

/// A live session found in the caller's scope.
struct Found {
    id: Id,
    auth: SessionAuth,
    view: SessionView,
}

/// The sessions the caller may see and end: their own, or their account's as an administrator.
async fn in_scope(s: &SignedIn) -> Result<(Vec<Found>, bool), AppError> {
    let admin = is_admin(&s.portal, &s.auth);
    let user = (!admin).then_some(s.auth.user_id.as_str());
    let stored = s.portal.sessions.list(&s.auth.domain_id, user).await.map_err(store_failed)?;
    let now = super::session::now();
    let mut found: Vec<Found> = stored
        .into_iter()
        .filter_map(|(id, data)| {
            let auth: SessionAuth = serde_json::from_value(data.get(AUTH_KEY)?.clone()).ok()?;
            // Past its end it is as good as gone (the next use deletes it).
            if now >= auth.ends_at || now >= auth.token_expires_at || auth.domain_id != s.auth.domain_id {
                return None;
            }
            let seen = data.get(SEEN_KEY).and_then(serde_json::Value::as_i64).unwrap_or(auth.started_at);
            let view = SessionView {
                handle: audit::hash_of(Some(id)),
                domain_name: auth.domain_name.clone(),
                user_name: auth.user_name.clone(),
                region: auth.region().to_string(),
                started_at: auth.started_at * 1000,
                last_seen: seen * 1000,
                client: auth.client.clone(),
                user_agent: auth.user_agent.clone(),
                current: Some(id) == s.session_id,
            };
            Some(Found { id, auth, view })
        })
        .collect();
    found.sort_by(|a, b| b.view.current.cmp(&a.view.current).then(b.view.last_seen.cmp(&a.view.last_seen)));
    Ok((found, admin))
}

pub async fn list() -> Result<SessionList, AppError> {
    let s = signed_in().await?;
    let (found, admin) = in_scope(&s).await?;
    Ok(SessionList { sessions: found.into_iter().map(|f| f.view).collect(), admin })
}

/// Ends one session by its handle. The caller's own session is ended by signing out.
pub async fn end(handle: String) -> Result<(), AppError> {
    if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid("handle", t(Key::ErrSessionHandle)));
    }
    let s = signed_in().await?;
    let (found, _) = in_scope(&s).await?;
    let Some(target) = found.into_iter().find(|f| f.view.handle == handle) else {
        return Err(AppError::new(ErrorKind::NotFound, t(Key::ErrSessionGone)));
    };
    if target.view.current {
        return Err(AppError::invalid("handle", t(Key::ErrEndOwnSession)));
    }
    end_found(&s, target).await
}

/// Ends every other session of the caller's own (an administrator's too: only their own).
pub async fn end_others() -> Result<u32, AppError> {
    let s = signed_in().await?;
    let (found, _) = in_scope(&s).await?;
    let mut ended = 0;
    for f in found.into_iter().filter(|f| !f.view.current && f.auth.user_id == s.auth.user_id) {
        end_found(&s, f).await?;
        ended += 1;
    }
    Ok(ended)
}

/// Ends a session and records it: by whom (the owner or an administrator), whose, and where
/// it had signed in from.
async fn end_found(s: &SignedIn, f: Found) -> Result<(), AppError> {
    let ended = s.portal.sessions.end(&f.id).await.map_err(store_failed);
    let by = if f.auth.user_id == s.auth.user_id { "owner" } else { "administrator" };
    let params = serde_json::json!({"by": by, "user": f.auth.user_name, "client": f.auth.client});
    let target =
        audit::target("session", &f.view.handle, &format!("{}/{}", f.auth.domain_name, f.auth.user_name));
    let actor = s.actor();
    Record { actor: &actor, action: AuditAction::SessionEnded, target, params }
        .write(&s.portal, Outcome::of(&ended))
        .await;
    tracing::info!(by = %s.auth.user_name, user = %f.auth.user_name, session = %f.view.handle, "session ended");
    ended
}
