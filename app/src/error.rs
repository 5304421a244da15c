//! The one error type the UI sees. Server functions map every failure to it once, so a person
//! reads what failed, the cloud's code and request id when there is one, and what to do.

use serde::{Deserialize, Serialize};

cloud::wire_enum! {
    ErrorKind {
        /// Bad input; `field` names it.
        Invalid => "Invalid",
        /// No session, or it expired.
        SignedOut => "SignedOut",
        /// Sign-in refused. Deliberately vague so it does not help guessing.
        BadCredentials => "BadCredentials",
        Forbidden => "Forbidden",
        /// Not there, or not the caller's.
        NotFound => "NotFound",
        /// It clashes with something under way (a DSC job's running export).
        Conflict => "Conflict",
        /// The request is larger than the portal accepts.
        TooLarge => "TooLarge",
        Throttled => "Throttled",
        /// The cloud answered with an error.
        Cloud => "Cloud",
        /// The cloud could not be reached.
        Unavailable => "Unavailable",
        Internal => "Internal",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    pub field: Option<String>,
    pub cloud_code: Option<String>,
    pub request_id: Option<String>,
    /// Throttled: seconds until a new attempt can pass.
    pub retry_after_secs: Option<u64>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            cloud_code: None,
            request_id: None,
            retry_after_secs: None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self { field: Some(field.to_string()), ..Self::new(ErrorKind::Invalid, message) }
    }

    /// A value the cloud's rules refused (checked before anything is sent), under the name the
    /// form gives the field: `renames` maps the API's names to the form's where they differ.
    pub fn refused(e: cloud::CloudError, renames: &[(&str, &'static str)]) -> Self {
        match e {
            cloud::CloudError::Invalid { field, rule } => {
                let field = renames.iter().find(|(wire, _)| *wire == field).map_or(field, |(_, form)| form);
                Self::invalid(field, rule.to_string())
            }
            other => Self::new(ErrorKind::Internal, other.to_string()),
        }
    }

    pub fn signed_out() -> Self {
        Self::new(ErrorKind::SignedOut, crate::i18n::t(crate::i18n::Key::ErrSignedOut))
    }

    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::Invalid => 400,
            ErrorKind::SignedOut | ErrorKind::BadCredentials => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::TooLarge => 413,
            ErrorKind::Throttled => 429,
            ErrorKind::Cloud => 502,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // A request the server could not read is the caller's mistake, not ours; the
            // portal's own decoders (api/codec.rs) say which field.
            E::Args(m) | E::Deserialization(m) => {
                match serde_json::from_str::<crate::api::codec::BadInput>(&m) {
                    Ok(bad) => Self { field: bad.field, ..Self::new(ErrorKind::Invalid, bad.message) },
                    Err(_) => Self::new(ErrorKind::Invalid, m),
                }
            }
            E::Request(m) => {
                Self::new(ErrorKind::Unavailable, format!("The portal could not be reached: {m}"))
            }
            other => Self::new(ErrorKind::Internal, other.to_string()),
        }
    }
}
