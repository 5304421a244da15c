//! Signed-in sessions: `/api/sessions/*`.

use leptos::prelude::*;

use super::codec::Answer;
use crate::dto::sessions::SessionList;
use crate::error::AppError;

/// The caller's live sessions, or every live session of their account for an administrator.
#[server(endpoint = "sessions/list", output = Answer)]
pub async fn list_sessions() -> Result<SessionList, AppError> {
    crate::ssr::sessions::list().await
}

/// Ends the session with this `handle` (its hash, as the list and the audit log show it).
#[server(endpoint = "sessions/end", output = Answer)]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    crate::ssr::sessions::end(handle).await
}

/// Ends every other session of the caller; answers how many ended.
#[server(endpoint = "sessions/end_others", output = Answer)]
pub async fn end_other_sessions() -> Result<u32, AppError> {
    crate::ssr::sessions::end_others().await
}
