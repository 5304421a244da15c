//! DBSS masking rules as the pages and server functions exchange them, and the rules both apply.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Page sizes the rules table offers; all within both list APIs' bounds (1–1000, 1–10000).
pub const PAGE_SIZES: &[u32] = &[10, 20, 50, 100];
/// Rule name, expression and substitution: 1 to this many characters (the API documents no
/// limit; the emulator and the portal use 255).
pub const MAX_RULE_FIELD: usize = 255;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub specification: String,
    pub zone: String,
    /// Only ACTIVE instances take rule calls.
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleRow {
    pub id: String,
    pub name: String,
    pub built_in: bool,
    pub regex: String,
    pub mask_value: String,
    pub on: bool,
    pub operate_time: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulesPage {
    pub rules: Vec<RuleRow>,
    /// Rules matching the filters.
    pub total: usize,
    pub offset: u32,
    pub limit: u32,
}

/// Which instance switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Setting {
    #[serde(rename = "masking")]
    Masking,
    #[serde(rename = "result_set")]
    ResultSet,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceSettings {
    pub masking_on: bool,
    pub result_set_on: bool,
}

/// A custom rule as the editor sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleInput {
    pub rule_name: String,
    pub mask_regex: String,
    pub mask_value: String,
}

impl RuleInput {
    /// Lengths here; the browser also compiles the expression before sending, and the service
    /// has the last word on its syntax.
    pub fn validate(&self) -> Result<(), AppError> {
        for (field, value) in [
            ("rule_name", &self.rule_name),
            ("mask_regex", &self.mask_regex),
            ("mask_value", &self.mask_value),
        ] {
            let n = value.chars().count();
            if n == 0 || value.trim().is_empty() {
                return Err(AppError::invalid(field, crate::i18n::t(crate::i18n::Key::ErrRequired)));
            }
            if n > MAX_RULE_FIELD {
                return Err(AppError::invalid(
                    field,
                    format!("{} {MAX_RULE_FIELD}", crate::i18n::t(crate::i18n::Key::ErrTooLong)),
                ));
            }
        }
        Ok(())
    }
}

/// `limit` must be one of [`PAGE_SIZES`]; `offset` a multiple of it keeps pages aligned but any
/// value is accepted.
pub fn check_paging(offset: u32, limit: u32) -> Result<(), AppError> {
    if !PAGE_SIZES.contains(&limit) {
        return Err(AppError::invalid("limit", format!("one of {PAGE_SIZES:?}")));
    }
    if offset > 1_000_000 {
        return Err(AppError::invalid("offset", "0 to 1000000"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_input_names_the_bad_field() {
        let ok = RuleInput { rule_name: "Id".into(), mask_regex: r"\d+".into(), mask_value: "*".into() };
        assert!(ok.validate().is_ok());
        let e = RuleInput { mask_value: "x".repeat(256), ..ok.clone() }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("mask_value"));
        let e = RuleInput { rule_name: "  ".into(), ..ok }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rule_name"));
        assert!(check_paging(0, 20).is_ok());
        assert_eq!(check_paging(0, 7).unwrap_err().field.as_deref(), Some("limit"));
    }
}
