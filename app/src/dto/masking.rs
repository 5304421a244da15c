//! DBSS masking rules as the pages and server functions exchange them. Rules, instances and
//! switches are the cloud's own types; the portal adds paging and filtering (the list APIs
//! cannot filter).

use cloud::model::dbss::{InstanceStatus, MaskRule, OnOff, RuleType};
use cloud::model::Seen;
use leptos::Params;
use leptos_router::params::Params;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Page sizes the rules table offers; all within both list APIs' bounds (1–1000, 1–10000).
pub const PAGE_SIZES: &[u32] = &[10, 20, 50, 100];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceRow {
    pub id: String,
    pub name: String,
    /// As the cloud sent it (a value the portal does not know is shown verbatim).
    pub status: Option<Seen<InstanceStatus>>,
    pub specification: String,
    pub zone: String,
    /// Only ACTIVE instances take rule calls.
    pub active: bool,
}

/// Which rules to show: the rules page's URL and the list call's argument.
#[derive(Params, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleQuery {
    pub offset: Option<u32>,
    pub limit: Option<u32>,
    /// Part of the name, any case.
    pub q: Option<String>,
    pub kind: Option<RuleType>,
    pub status: Option<OnOff>,
}

impl RuleQuery {
    pub fn offset(&self) -> u32 {
        self.offset.unwrap_or(0)
    }

    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(PAGE_SIZES[0])
    }

    /// The name search, trimmed and lower-cased; `None` when blank.
    pub fn search(&self) -> Option<String> {
        self.q.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty())
    }

    /// Whether any filter applies (the cloud then cannot page for us).
    pub fn filters(&self) -> bool {
        self.search().is_some() || self.kind.is_some() || self.status.is_some()
    }

    pub fn matches(&self, r: &MaskRule) -> bool {
        self.search().is_none_or(|q| r.name.to_lowercase().contains(&q))
            && self.kind.is_none_or(|k| r.kind == k)
            && self.status.is_none_or(|s| r.status == s)
    }

    /// `limit` must be one of [`PAGE_SIZES`]; `offset` a multiple of it keeps pages aligned but
    /// any value is accepted.
    pub fn check(&self) -> Result<(), AppError> {
        if !PAGE_SIZES.contains(&self.limit()) {
            return Err(AppError::invalid("limit", format!("one of {PAGE_SIZES:?}")));
        }
        if self.offset() > 1_000_000 {
            return Err(AppError::invalid("offset", "0 to 1000000"));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulesPage {
    pub rules: Vec<MaskRule>,
    /// Rules matching the filters.
    pub total: usize,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceSettings {
    pub masking_on: bool,
    pub result_set_on: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_and_filters() {
        assert!(RuleQuery { limit: Some(20), ..Default::default() }.check().is_ok());
        let e = RuleQuery { limit: Some(7), ..Default::default() }.check().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("limit"));
        let q = RuleQuery { q: Some(" PASS ".into()), status: Some(OnOff::On), ..Default::default() };
        let rule = MaskRule {
            id: "r".into(),
            name: "Passport NO.".into(),
            kind: RuleType::BuildIn.into(),
            regex: String::new(),
            mask_value: String::new(),
            status: OnOff::On.into(),
            operate_time: String::new(),
        };
        assert!(q.matches(&rule) && q.filters());
        assert!(!RuleQuery { kind: Some(RuleType::UserDefine), ..q.clone() }.matches(&rule));
        // A type the portal does not know matches no type filter, and still shows.
        let odd = MaskRule { kind: Seen::Other("SYSTEM".into()), ..rule };
        assert!(!RuleQuery { kind: Some(RuleType::BuildIn), ..q.clone() }.matches(&odd));
        assert!(RuleQuery { kind: None, ..q }.matches(&odd));
    }
}
