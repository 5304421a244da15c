//! DBSS privacy-data masking rules: `/api/masking/*`.

use cloud::model::dbss::{InstanceSwitch, MaskRuleInput};
use leptos::prelude::*;

use super::codec::{Answer, Form};
use crate::dto::masking::{InstanceRow, InstanceSettings, RuleQuery, RulesPage};
use crate::error::AppError;

/// The project's audit instances.
#[server(endpoint = "masking/instances", output = Answer)]
pub async fn list_audit_instances() -> Result<Vec<InstanceRow>, AppError> {
    crate::ssr::masking::list_audit_instances().await
}

/// A page of an instance's rules. Form fields `instance_id` and `query[offset]`,
/// `query[limit]`, `query[q]` (part of the name), `query[kind]` (`BUILD_IN`/`USER_DEFINE`),
/// `query[status]` (`ON`/`OFF`).
#[server(endpoint = "masking/rules", input = Form, output = Answer)]
pub async fn list_mask_rules(
    instance_id: String,
    #[server(default)] query: RuleQuery,
) -> Result<RulesPage, AppError> {
    crate::ssr::masking::list_mask_rules(instance_id, query).await
}

/// Switches rules on or off in one call: `ids[0]=…&ids[1]=…`, `on` `true` or `false`.
#[server(endpoint = "masking/switch", input = Form, output = Answer)]
pub async fn switch_mask_rules(instance_id: String, ids: Vec<String>, on: bool) -> Result<(), AppError> {
    crate::ssr::masking::switch_mask_rules(instance_id, ids, on).await
}

#[server(endpoint = "masking/create", input = Form, output = Answer)]
pub async fn create_mask_rule(instance_id: String, rule: MaskRuleInput) -> Result<(), AppError> {
    crate::ssr::masking::create_mask_rule(instance_id, rule).await
}

/// Edits a custom rule (built-in rules can only be switched).
#[server(endpoint = "masking/update", input = Form, output = Answer)]
pub async fn update_mask_rule(
    instance_id: String,
    rule_id: String,
    rule: MaskRuleInput,
) -> Result<(), AppError> {
    crate::ssr::masking::update_mask_rule(instance_id, rule_id, rule).await
}

#[server(endpoint = "masking/delete", output = Answer)]
pub async fn delete_mask_rule(instance_id: String, rule_id: String) -> Result<(), AppError> {
    crate::ssr::masking::delete_mask_rule(instance_id, rule_id).await
}

/// The instance's "mask privacy data" and "store result set" switches.
#[server(endpoint = "masking/settings", output = Answer)]
pub async fn get_instance_settings(instance_id: String) -> Result<InstanceSettings, AppError> {
    crate::ssr::masking::get_instance_settings(instance_id).await
}

/// Turns one switch on or off: `setting` is `masking` or `result_set`.
#[server(endpoint = "masking/set_setting", input = Form, output = Answer)]
pub async fn set_instance_setting(
    instance_id: String,
    setting: InstanceSwitch,
    on: bool,
) -> Result<(), AppError> {
    crate::ssr::masking::set_instance_setting(instance_id, setting, on).await
}
