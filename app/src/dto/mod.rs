//! What crosses the wire between the browser and the server functions, and the rules both sides
//! apply to it.

pub mod audit;
pub mod exports;
pub mod masking;
pub mod scans;
pub mod sessions;
pub mod tasks;

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
    /// Every password sign-in asks for a virtual-MFA passcode.
    pub require_mfa: bool,
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

/// Everything but RFC 3986's unreserved characters is escaped in a query value; `/` is kept
/// too, so a `next` path stays readable.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Percent-encodes a query value.
pub fn encode_query_value(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
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
    fn query_values_are_escaped() {
        assert_eq!(encode_query_value("/scans?type=a b&x=界"), "/scans%3Ftype%3Da%20b%26x%3D%E7%95%8C");
    }
}
