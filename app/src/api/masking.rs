//! DBSS privacy-data masking rules: `/api/masking/*`.

use leptos::prelude::*;

use crate::dto::masking::{InstanceRow, InstanceSettings, RuleInput, RulesPage, Setting};
use crate::error::AppError;

/// The project's audit instances.
#[server(endpoint = "masking/instances")]
pub async fn list_audit_instances() -> Result<Vec<InstanceRow>, AppError> {
    crate::ssr::masking::instances().await
}

/// A page of an instance's rules. `q` searches names; `kind` is `built_in` or `custom`;
/// `status` is `on` or `off`.
#[server(endpoint = "masking/rules")]
pub async fn list_mask_rules(
    instance_id: String,
    offset: u32,
    limit: u32,
    #[server(default)] q: Option<String>,
    #[server(default)] kind: Option<String>,
    #[server(default)] status: Option<String>,
) -> Result<RulesPage, AppError> {
    crate::ssr::masking::rules(instance_id, offset, limit, q, kind, status).await
}

/// Switches rules on or off in one call; `ids` is comma-separated, `status` `ON` or `OFF`.
#[server(endpoint = "masking/switch")]
pub async fn switch_mask_rules(instance_id: String, ids: String, status: String) -> Result<(), AppError> {
    crate::ssr::masking::switch(instance_id, ids, status).await
}

#[server(endpoint = "masking/create")]
pub async fn create_mask_rule(instance_id: String, rule: RuleInput) -> Result<(), AppError> {
    crate::ssr::masking::create(instance_id, rule).await
}

/// Edits a custom rule (built-in rules can only be switched).
#[server(endpoint = "masking/update")]
pub async fn update_mask_rule(instance_id: String, rule_id: String, rule: RuleInput) -> Result<(), AppError> {
    crate::ssr::masking::update(instance_id, rule_id, rule).await
}

#[server(endpoint = "masking/delete")]
pub async fn delete_mask_rule(instance_id: String, rule_id: String) -> Result<(), AppError> {
    crate::ssr::masking::delete(instance_id, rule_id).await
}

/// The instance's "mask privacy data" and "store result set" switches.
#[server(endpoint = "masking/settings")]
pub async fn get_instance_settings(instance_id: String) -> Result<InstanceSettings, AppError> {
    crate::ssr::masking::settings(instance_id).await
}

#[server(endpoint = "masking/set_setting")]
pub async fn set_instance_setting(instance_id: String, setting: Setting, on: bool) -> Result<(), AppError> {
    crate::ssr::masking::set_setting(instance_id, setting, on).await
}
