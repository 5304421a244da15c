//! The crate's one error type. Browser-safe: the form checks in [`crate::model`] return it too.

#[cfg(feature = "client")]
use reqwest::StatusCode;
#[cfg(feature = "client")]
use serde_json::Value;

use crate::model::Rule;

pub type Result<T> = std::result::Result<T, CloudError>;

/// Everything that can go wrong talking to the cloud, with what a person needs to act on it.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// The service answered with an error body (any of the shapes in the API reference §1.5).
    #[error("{service} answered {status}: {code}: {message}")]
    Api { service: &'static str, status: u16, code: String, message: String, request_id: Option<String> },
    /// A value was refused before the request left: names the field and what is allowed.
    #[error("{field}: {rule}")]
    Invalid { field: &'static str, rule: Rule },
    /// The client's own limiter held the call back, to stay within the cloud's rate limit.
    #[error("{service} allows only a few calls a minute; try again in {} s", retry_after.as_secs().max(1))]
    Throttled { service: &'static str, retry_after: std::time::Duration },
    #[error("{service} did not answer in time")]
    Timeout { service: &'static str },
    /// The request may have reached the service (the connection broke after it left).
    #[error("could not reach {service}: {message}")]
    Transport { service: &'static str, message: String },
    /// No connection could be made: the request never left.
    #[error("could not connect to {service}: {message}")]
    Unreachable { service: &'static str, message: String },
    /// The service answered 2xx with a body we do not understand.
    #[error("unexpected answer from {service}: {message}")]
    Decode { service: &'static str, message: String },
    #[error("no endpoint for {service} in region {region}")]
    NoEndpoint { service: &'static str, region: String },
}

impl CloudError {
    pub fn invalid(field: &'static str, rule: Rule) -> Self {
        Self::Invalid { field, rule }
    }

    /// HTTP status of a cloud answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether IAM refused a password sign-in because the user's login protection asks for a
    /// virtual-MFA passcode. The API reference does not say how IAM answers (UNKNOWN); our
    /// choice: a 401 whose code is `IAM.0113` (the emulator's) or whose message names MFA.
    pub fn is_mfa_required(&self) -> bool {
        match self {
            Self::Api { status: 401, code, message, .. } => {
                code == "IAM.0113" || message.to_ascii_lowercase().contains("mfa")
            }
            _ => false,
        }
    }

    /// Whether a write that failed this way may still have been carried out: the request left
    /// and no clear refusal came back (a timeout, a broken connection, a 5xx, a 2xx we could not
    /// read). Such a create must be looked up in the cloud before anyone tries again.
    pub fn may_have_reached(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } | Self::Decode { .. } => true,
            Self::Api { status, .. } => *status >= 500,
            Self::Invalid { .. }
            | Self::Throttled { .. }
            | Self::Unreachable { .. }
            | Self::NoEndpoint { .. } => false,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Builds the error for a non-2xx answer from whatever body the service sent.
    #[cfg(feature = "client")]
    pub(crate) fn from_response(
        service: &'static str,
        status: StatusCode,
        request_id: Option<String>,
        body: &[u8],
    ) -> Self {
        let (code, message) = parse_error_body(body).unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let message = if text.is_empty() {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                text.chars().take(300).collect()
            };
            (format!("HTTP.{}", status.as_u16()), message)
        });
        Self::Api { service, status: status.as_u16(), code, message, request_id }
    }
}

#[cfg(feature = "client")]
/// Finds `(code, message)` in the error shapes Huawei services use, in the order the official
/// SDK tries them: top-level `error_code`/`error_msg`, then `code`/`message`, then the same pairs
/// in any nested object (for example Keystone's `{"error":{"code":401,"message":…}}`).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<(String, String)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    find_pair(&value, 0)
}

#[cfg(feature = "client")]
fn find_pair(value: &Value, depth: usize) -> Option<(String, String)> {
    let obj = value.as_object()?;
    for (code_key, msg_key) in [("error_code", "error_msg"), ("code", "message")] {
        if let (Some(code), Some(msg)) = (obj.get(code_key), obj.get(msg_key)) {
            let code = match code {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return Some((code, msg.as_str().unwrap_or_default().to_string()));
        }
    }
    if depth > 3 {
        return None;
    }
    obj.values().find_map(|v| find_pair(v, depth + 1))
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_error_shape() {
        let flat = br#"{"error_code":"HSS.0001","error_msg":"invalid parameter"}"#;
        assert_eq!(parse_error_body(flat).unwrap(), ("HSS.0001".into(), "invalid parameter".into()));
        let code_msg = br#"{"code":"APIGW.0308","message":"throttled"}"#;
        assert_eq!(parse_error_body(code_msg).unwrap().0, "APIGW.0308");
        let nested =
            br#"{"error":{"error_code":"DBSS.10000001","error_msg":"Enter a valid request message"}}"#;
        assert_eq!(parse_error_body(nested).unwrap().0, "DBSS.10000001");
        let keystone = br#"{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}"#;
        assert_eq!(
            parse_error_body(keystone).unwrap(),
            ("401".into(), "The username or password is wrong.".into())
        );
        assert!(parse_error_body(b"<html>bad gateway</html>").is_none());
    }

    #[test]
    fn unparsable_body_keeps_status_and_text() {
        let e =
            CloudError::from_response("HSS", StatusCode::BAD_GATEWAY, Some("r1".into()), b"upstream down");
        match e {
            CloudError::Api { status, code, message, request_id, .. } => {
                assert_eq!((status, code.as_str(), message.as_str()), (502, "HTTP.502", "upstream down"));
                assert_eq!(request_id.as_deref(), Some("r1"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
