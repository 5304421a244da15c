//! How a call proves who makes it: an IAM token, or an AK/SK signature.

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Request;
use time::OffsetDateTime;

use crate::signer::{hex_sha256, sdk_date, AkSk, Signable, UNSIGNED_PAYLOAD};
use crate::{CloudError, Result, Secret};

#[derive(Clone, Debug)]
pub enum Credentials {
    /// `X-Auth-Token`.
    Token(Secret),
    /// `Authorization: SDK-HMAC-SHA256 …`, plus `X-Security-Token` for temporary keys.
    AkSk(AkSk),
}

/// Who calls, and in which project and region: what every service call needs.
#[derive(Clone, Debug)]
pub struct Caller {
    pub region: String,
    pub project_id: String,
    pub credentials: Credentials,
    /// The IAM user behind the credentials (`account/user` ids), when known. HSS counts calls
    /// per user, not per token: every session of a user, and the tracker holding an older
    /// token, share one budget through this key.
    pub user: Option<String>,
}

impl Caller {
    /// Who this caller is, for per-user rate limiting, without keeping the secret itself: the
    /// IAM user when known, else the credentials.
    pub fn identity_key(&self) -> String {
        if let Some(user) = &self.user {
            return format!("user:{user}");
        }
        match &self.credentials {
            Credentials::Token(t) => format!("token:{}", &hex_sha256(t.expose().as_bytes())[..16]),
            Credentials::AkSk(k) => format!("ak:{}", k.access_key),
        }
    }
}

/// A header value, or the field it came from refused (no CR/LF or other bytes a header cannot
/// carry).
pub(crate) fn header_value(field: &'static str, v: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(v).map_err(|_| CloudError::invalid(field, crate::model::Rule::HeaderChars))
}

/// Headers the signature covers besides `host` and `x-sdk-date`, when the request has them.
const SIGNED_IF_PRESENT: &[&str] = &["x-project-id", "x-security-token", "x-sdk-content-sha256", "region"];

impl Credentials {
    /// Adds the authentication headers to a finished request.
    pub(crate) fn apply(&self, req: &mut Request, now: OffsetDateTime) -> Result<()> {
        match self {
            Credentials::Token(token) => {
                req.headers_mut().insert("x-auth-token", header_value("token", token.expose())?);
                Ok(())
            }
            Credentials::AkSk(keys) => sign(req, keys, now),
        }
    }
}

fn sign(req: &mut Request, keys: &AkSk, now: OffsetDateTime) -> Result<()> {
    let date = sdk_date(now);
    let headers = req.headers_mut();
    headers.insert("x-sdk-date", header_value("date", &date)?);
    if let Some(token) = &keys.security_token {
        headers.insert("x-security-token", header_value("security_token", token.expose())?);
    }
    // A streamed body (multipart upload) cannot be hashed up front; the SDKs mark it unsigned.
    let body_hash = match req.body() {
        None => hex_sha256(b""),
        Some(body) => match body.as_bytes() {
            Some(bytes) => hex_sha256(bytes),
            None => {
                req.headers_mut().insert("x-sdk-content-sha256", HeaderValue::from_static(UNSIGNED_PAYLOAD));
                UNSIGNED_PAYLOAD.to_string()
            }
        },
    };
    let url = req.url().clone();
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut signed = vec![("host".to_string(), host), ("x-sdk-date".to_string(), date.clone())];
    for name in SIGNED_IF_PRESENT {
        if let Some(v) = req.headers().get(*name).and_then(|v| v.to_str().ok()) {
            signed.push((name.to_string(), v.to_string()));
        }
    }
    let query: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let signable = Signable {
        method: req.method().as_str(),
        path: url.path(),
        query: &query,
        headers: &signed,
        payload_hash: &body_hash,
    };
    let authorization = signable.authorization(&keys.access_key, &keys.secret_key, &date);
    req.headers_mut()
        .insert(HeaderName::from_static("authorization"), header_value("access_key", &authorization)?);
    Ok(())
}
