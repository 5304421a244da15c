//! DBSS v1 (API reference §3): audit instances and privacy-data masking rules.

use serde::{Deserialize, Serialize};

use super::Seen;
use super::{required_text, Result};
use crate::wire_enum;

wire_enum! {
    OnOff { On => "ON", Off => "OFF" }
}
wire_enum! {
    /// `BUILD_IN` rules can only be switched; `USER_DEFINE` ones can be edited and deleted.
    RuleType { BuildIn => "BUILD_IN", UserDefine => "USER_DEFINE" }
}
wire_enum! {
    InstanceStatus {
        Shutoff => "SHUTOFF", Active => "ACTIVE", Deleting => "DELETING", Build => "BUILD", Deleted => "DELETED",
        Error => "ERROR", Hawait => "HAWAIT", Frozen => "FROZEN", Upgrading => "UPGRADING",
    }
}

impl From<bool> for OnOff {
    fn from(on: bool) -> Self {
        if on {
            OnOff::On
        } else {
            OnOff::Off
        }
    }
}

impl From<OnOff> for bool {
    fn from(s: OnOff) -> bool {
        s == OnOff::On
    }
}

/// Rules one bulk switch may name (undocumented; our choice).
pub const MAX_SWITCH_IDS: usize = 1000;
/// Rule name, expression and substitution: 1 to this many characters (undocumented; the
/// emulator enforces the same).
pub const MAX_RULE_FIELD: usize = 255;

/// The instance-wide switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceSwitch {
    /// "Mask privacy data" in audit results.
    #[serde(rename = "masking")]
    Masking,
    /// "Store result sets" of audited statements.
    #[serde(rename = "result_set")]
    ResultSet,
}

/// Which list API: the spec's (`/dbss/audit/sensitive/masks`, limit ≤ 10000, marked for
/// retirement) or the newer one (`/audit/{id}/sensitive/mask/rule`, limit ≤ 1000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesApi {
    Spec,
    New,
}

impl RulesApi {
    pub fn max_limit(self) -> i64 {
        match self {
            RulesApi::Spec => 10_000,
            RulesApi::New => 1_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditInstance {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub specification: String,
    #[serde(default)]
    pub resource_spec_code: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub charge_model: String,
    pub status: Option<Seen<InstanceStatus>>,
    #[serde(default)]
    pub task: String,
    #[serde(default)]
    pub cpu: i64,
    #[serde(default)]
    pub ram: i64,
    #[serde(default)]
    pub database_limit: i64,
    #[serde(default)]
    pub connect_ip: String,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub expired: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditInstanceList {
    #[serde(default)]
    pub servers: Vec<AuditInstance>,
    #[serde(default)]
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaskRule {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Seen<RuleType>,
    #[serde(default)]
    pub regex: String,
    #[serde(default)]
    pub mask_value: String,
    pub status: Seen<OnOff>,
    /// Layout undocumented ("UTC"); kept as the cloud sends it.
    #[serde(default)]
    pub operate_time: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaskRuleList {
    #[serde(default)]
    pub rules: Vec<MaskRule>,
    #[serde(default)]
    pub total: i64,
}

/// A custom rule as created or edited: each field says something, in at most
/// [`MAX_RULE_FIELD`] characters. The expression's syntax is the service's to judge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MaskRuleInput {
    pub rule_name: String,
    pub mask_regex: String,
    pub mask_value: String,
}

impl MaskRuleInput {
    pub fn validate(&self) -> Result<()> {
        required_text("rule_name", &self.rule_name, MAX_RULE_FIELD)?;
        required_text("mask_regex", &self.mask_regex, MAX_RULE_FIELD)?;
        required_text("mask_value", &self.mask_value, MAX_RULE_FIELD)
    }
}
