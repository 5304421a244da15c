//! What crosses the wire between the browser and the server functions, and the rules both sides
//! apply to it.

pub mod exports;
pub mod masking;
pub mod scans;

use serde::{Deserialize, Serialize};

/// The signed-in user as the pages see it. No token: that never leaves the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user: String,
    pub domain: String,
    pub project_id: String,
    pub project_name: String,
    /// Unix seconds.
    pub token_expires_at: i64,
    /// Server clock at the time of the answer, so the browser can count down without trusting
    /// its own clock.
    pub server_now: i64,
    pub demo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub user: String,
    pub password: String,
}

/// The emulator's sign-in data, shown on the login page in demo mode only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoLogin {
    pub domain: String,
    pub accounts: Vec<DemoAccount>,
    pub region: String,
}

/// Public facts the login page needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalInfo {
    pub demo: Option<DemoLogin>,
    pub regions: Vec<String>,
    pub default_region: String,
}

/// Where to go after sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub next: String,
}

/// Accepts only a path on this site as a place to return to; anything else goes home.
/// Refuses `//host`, `/\host` and schemes, which browsers would treat as another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n', '\t'])
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters and `/` pass through).
pub fn encode_query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// "3 h 20 min" for a number of seconds; "expired" at or below zero.
pub fn remaining(seconds: i64) -> String {
    if seconds <= 0 {
        return crate::i18n::t(crate::i18n::Key::Expired).to_string();
    }
    let (h, m) = (seconds / 3600, (seconds % 3600) / 60);
    if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{} min", m.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_same_site_paths() {
        assert_eq!(safe_next(Some("/exports?x=1")), "/exports?x=1");
        for bad in
            ["//evil.test", "/\\evil.test", "https://evil.test/", "javascript:alert(1)", "", "/login?next=/x"]
        {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn remaining_reads_well() {
        assert_eq!(remaining(3 * 3600 + 20 * 60 + 5), "3 h 20 min");
        assert_eq!(remaining(30), "1 min");
        assert_eq!(remaining(0), "expired");
    }
}
