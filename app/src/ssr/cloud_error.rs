use cloud::CloudError;

use crate::error::{AppError, ErrorKind};
use crate::i18n::{t, Key};

/// The one place a cloud failure becomes something a person reads.
pub fn from_cloud(e: CloudError) -> AppError {
    let request_id = e.request_id().map(str::to_string);
    match e {
        CloudError::Invalid { .. } => AppError::refused(e, &[]),
        CloudError::Api { status, code, message, service, .. } => {
            let kind = match (status, code.as_str()) {
                (429, _) | (_, "APIGW.0308") => ErrorKind::Throttled,
                (401, _) | (_, "APIGW.0301") => ErrorKind::SignedOut,
                (403, _) => ErrorKind::Forbidden,
                _ => ErrorKind::Cloud,
            };
            let message = format!("{service}: {message}");
            // The gateway's window is a minute; it says no more than that.
            let retry_after_secs = (kind == ErrorKind::Throttled).then_some(60);
            AppError { kind, message, field: None, cloud_code: Some(code), request_id, retry_after_secs }
        }
        CloudError::Throttled { retry_after, .. } => AppError {
            retry_after_secs: Some(retry_after.as_secs().max(1)),
            ..AppError::new(ErrorKind::Throttled, e.to_string())
        },
        CloudError::Timeout { service }
        | CloudError::Transport { service, .. }
        | CloudError::Unreachable { service, .. } => {
            tracing::warn!(error = %e, "cloud unreachable");
            AppError::new(ErrorKind::Unavailable, format!("{service}: {}", t(Key::ErrCloudUnreachable)))
        }
        // The decoder's message can quote the cloud's data: it goes to the log, not the page.
        CloudError::Decode { service, .. } => {
            tracing::error!(error = %e, "cloud answer unreadable");
            AppError::new(ErrorKind::Cloud, format!("{service}: {}", t(Key::ErrCloudUnreadable)))
        }
        CloudError::NoEndpoint { .. } => {
            tracing::error!(error = %e, "cloud call failed");
            AppError::new(ErrorKind::Cloud, e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoder_message_stays_in_the_log() {
        let e = CloudError::Decode { service: "DBSS", message: "invalid type: string \"alice-rule\"".into() };
        let shown = from_cloud(e);
        assert_eq!(shown.kind, ErrorKind::Cloud);
        assert!(shown.message.starts_with("DBSS: "), "{}", shown.message);
        assert!(!shown.message.contains("alice-rule"), "{}", shown.message);
    }
}
