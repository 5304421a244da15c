//! The audit log as the audit page shows it: entries, the page's filters (its URL and the list
//! call's argument) and a page of entries.

use leptos::Params;
use leptos_router::params::Params;
use serde::{Deserialize, Serialize};

use super::tasks::TaskKind;

cloud::wire_enum! {
    /// What was done. Sign-ins that failed or were throttled are sign-ins with that result.
    AuditAction {
        SignIn => "sign_in",
        SignOut => "sign_out",
        /// A session ended by its user from another session, or by an administrator.
        SessionEnded => "session_ended",
        ExportCreate => "export_create",
        ScanCreate => "scan_create",
        ScanRetry => "scan_retry",
        IacUpload => "iac_upload",
        MaskingRuleCreate => "masking_rule_create",
        MaskingRuleUpdate => "masking_rule_update",
        MaskingRuleDelete => "masking_rule_delete",
        MaskingRuleSwitch => "masking_rule_switch",
        MaskingSetting => "masking_setting",
        /// Entries past the retention period were removed (by the portal, not by a user).
        AuditPrune => "audit_prune",
    }
}

cloud::wire_enum! {
    AuditResult {
        Ok => "ok",
        /// Refused by the cloud (or, for a sign-in, by IAM), or the cloud could not be reached.
        Failed => "failed",
        /// Refused by the portal's sign-in throttle before reaching the cloud.
        Throttled => "throttled",
        /// The cloud's answer was lost: the portal is finding out whether it did it (the
        /// history row says what it found).
        Unclear => "unclear",
    }
}

/// What an entry is about: its kind, id and name as they were then.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditTarget {
    /// A task kind (`hss_containers`, `cluster_scan`…: the id is the cloud's task id for scans,
    /// the history row's for exports), `iac_file`, `masking_rule`, `masking_instance`,
    /// `session`, or empty.
    pub kind: String,
    pub id: String,
    pub name: String,
}

/// One entry. Times are epoch milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// Empty for a sign-in IAM refused: only the names typed are known.
    pub domain_id: String,
    pub domain_name: String,
    pub user_id: String,
    pub user_name: String,
    pub project_id: String,
    pub region: String,
    /// The client's address, through the trusted proxy hops.
    pub client: String,
    pub action: AuditAction,
    pub target: AuditTarget,
    /// The parameters that matter, as JSON (never secrets, never file contents).
    pub params: String,
    pub result: AuditResult,
    pub error_code: Option<String>,
    pub cloud_request_id: Option<String>,
    /// The portal's request id (the `x-request-id` answer header, and in the server's log).
    pub request_id: String,
    /// The first 16 hex digits of SHA-256 of the session id: ties entries of one session
    /// together without storing anything that could be used as a cookie.
    pub session_hash: String,
}

impl AuditEntry {
    /// Where what the entry touched can be seen: a scan's page, the history for an export, an
    /// instance's masking page. The page says so if the thing is gone since.
    pub fn href(&self) -> Option<String> {
        let t = &self.target;
        if let Ok(kind) = t.kind.parse::<TaskKind>() {
            return if kind.has_file() { Some("/history".into()) } else { kind.task_href(&t.id) };
        }
        match t.kind.as_str() {
            "masking_instance" => Some(format!("/masking/{}", t.id)),
            "masking_rule" => self.param("instance_id").map(|i| format!("/masking/{i}")),
            _ => None,
        }
    }

    /// One string parameter of the entry.
    pub fn param(&self, key: &str) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(&self.params).ok()?;
        v.get(key)?.as_str().map(str::to_string)
    }
}

pub const AUDIT_PAGE_SIZE: u32 = 50;
pub const AUDIT_PAGE_SIZES: &[u32] = &[20, 50, 100];

/// The audit page's filters: its URL and the list call's argument. Times are epoch ms.
#[derive(Params, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// A user name (administrators; anyone else sees only their own entries).
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    pub result: Option<AuditResult>,
    /// Part of a target's id or name.
    pub target: Option<String>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

impl AuditFilter {
    pub fn offset(&self) -> u32 {
        self.offset.unwrap_or(0)
    }

    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(AUDIT_PAGE_SIZE)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
    /// The caller sees everyone's entries in the account.
    pub admin: bool,
}
