//! Signed-in sessions as the sessions page shows them. A session is named by its handle (the
//! hash its audit entries carry), never by its id: the id is what the cookie holds.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The first 16 hex digits of SHA-256 of the session id, as in the audit log.
    pub handle: String,
    pub domain_name: String,
    pub user_name: String,
    pub region: String,
    /// Epoch milliseconds.
    pub started_at: i64,
    /// Epoch milliseconds; moves at most once a minute.
    pub last_seen: i64,
    /// The client's address at sign-in (through the trusted proxy hops).
    pub client: String,
    pub user_agent: String,
    /// The session this page was asked from.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    /// Newest activity first; the caller's own, or the account's for an administrator.
    pub sessions: Vec<SessionView>,
    pub admin: bool,
}
