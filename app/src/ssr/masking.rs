//! DBSS masking rules for the signed-in user.

use cloud::dbss::{InstanceStatus, InstanceSwitch, MaskRuleInput, MaskRuleList, OnOff, RulesApi};
use cloud::{Caller, CloudError};

use super::audit;
use super::cache::page_of;
use super::session::{signed_in, SignedIn};
use super::{from_cloud, Portal};
use crate::dto::audit::{AuditAction, AuditTarget};
use crate::dto::masking::{InstanceRow, InstanceSettings, RuleQuery, RulesPage};
use crate::error::AppError;

/// Rules fetched per call when the portal filters (the APIs cannot): the newer API's largest
/// page.
const WALK_PAGE: i64 = 1000;
/// Rules walked at most for one filtered view, so a huge instance cannot hold a request (or
/// the memory) for long.
const WALK_CAP: usize = 20_000;

pub async fn list_audit_instances() -> Result<Vec<InstanceRow>, AppError> {
    let s = signed_in().await?;
    let list = s.portal.cloud.dbss_list_instances(&s.caller, 0, 1000).await.map_err(from_cloud)?;
    Ok(list
        .servers
        .into_iter()
        .map(|i| InstanceRow {
            active: i.status.as_ref().is_some_and(|s| *s == InstanceStatus::Active),
            status: i.status,
            id: i.id,
            name: i.name,
            specification: i.specification,
            zone: i.zone,
        })
        .collect())
}

/// The spec's list API is marked for retirement: when a region refuses it (not found, gone or
/// not published), the newer one answers instead.
fn spec_refused(e: &CloudError) -> bool {
    matches!(e, CloudError::Api { status: 404 | 405 | 410 | 501, .. })
        || matches!(e, CloudError::Api { code, .. } if code == "APIGW.0101")
}

async fn list(
    portal: &Portal,
    caller: &Caller,
    id: &str,
    offset: i64,
    limit: i64,
) -> Result<MaskRuleList, CloudError> {
    let cloud = &portal.cloud;
    match cloud.dbss_list_rules(caller, id, RulesApi::Spec, offset, limit).await {
        Err(e) if spec_refused(&e) => {
            cloud
                .dbss_list_rules(caller, id, RulesApi::New, offset, limit.min(RulesApi::New.max_limit()))
                .await
        }
        other => other,
    }
}

pub async fn list_mask_rules(instance_id: String, query: RuleQuery) -> Result<RulesPage, AppError> {
    query.check()?;
    let (offset, limit) = (query.offset(), query.limit());
    let s = signed_in().await?;
    let (portal, caller) = (&s.portal, &s.caller);
    if !query.filters() {
        // No filter: the cloud pages for us.
        let page =
            list(portal, caller, &instance_id, offset.into(), limit.into()).await.map_err(from_cloud)?;
        return Ok(RulesPage { rules: page.rules, total: page.total.max(0) as usize, offset, limit });
    }
    // The APIs cannot filter: walk the rules (up to a cap), then filter and page here.
    let id = instance_id.as_str();
    let all = super::cache::all_pages(WALK_CAP, |from| async move {
        let page = list(portal, caller, id, from, WALK_PAGE).await?;
        Ok((page.rules, page.total))
    })
    .await
    .map_err(from_cloud)?;
    let (rules, total) = page_of(&all, |r| query.matches(r), offset as usize, limit as usize, Clone::clone);
    Ok(RulesPage { rules, total, offset, limit })
}

/// Records a masking change with how it went, and answers it.
async fn recorded(
    s: &SignedIn,
    action: AuditAction,
    target: AuditTarget,
    params: serde_json::Value,
    done: Result<(), CloudError>,
) -> Result<(), AppError> {
    let done = done.map_err(from_cloud);
    audit::Record { actor: &s.actor(), action, target, params }
        .write(&s.portal, audit::Outcome::of(&done))
        .await;
    done
}

pub async fn switch_mask_rules(instance_id: String, ids: Vec<String>, on: bool) -> Result<(), AppError> {
    let ids: Vec<String> = ids.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let s = signed_in().await?;
    let done = s.portal.cloud.dbss_switch_rules(&s.caller, &instance_id, &ids, OnOff::from(on)).await;
    let params = serde_json::json!({"instance_id": instance_id, "rule_ids": ids, "on": on});
    let target = audit::target("masking_rule", &ids.join(","), "");
    recorded(&s, AuditAction::MaskingRuleSwitch, target, params, done).await
}

/// A rule's audit parameters: the instance and the rule as sent (it holds no secrets).
fn rule_params(instance_id: &str, rule: &MaskRuleInput) -> serde_json::Value {
    serde_json::json!({"instance_id": instance_id, "rule": rule})
}

pub async fn create_mask_rule(instance_id: String, rule: MaskRuleInput) -> Result<(), AppError> {
    rule.validate().map_err(|e| AppError::refused(e, &[]))?;
    let s = signed_in().await?;
    let done = s.portal.cloud.dbss_create_rule(&s.caller, &instance_id, &rule).await;
    let target = audit::target("masking_rule", "", &rule.rule_name);
    recorded(&s, AuditAction::MaskingRuleCreate, target, rule_params(&instance_id, &rule), done).await
}

pub async fn update_mask_rule(
    instance_id: String,
    rule_id: String,
    rule: MaskRuleInput,
) -> Result<(), AppError> {
    rule.validate().map_err(|e| AppError::refused(e, &[]))?;
    let s = signed_in().await?;
    let done = s.portal.cloud.dbss_update_rule(&s.caller, &instance_id, &rule_id, &rule).await;
    let target = audit::target("masking_rule", &rule_id, &rule.rule_name);
    recorded(&s, AuditAction::MaskingRuleUpdate, target, rule_params(&instance_id, &rule), done).await
}

pub async fn delete_mask_rule(instance_id: String, rule_id: String) -> Result<(), AppError> {
    let s = signed_in().await?;
    let done = s.portal.cloud.dbss_delete_rule(&s.caller, &instance_id, &rule_id).await;
    let target = audit::target("masking_rule", &rule_id, "");
    let params = serde_json::json!({"instance_id": instance_id});
    recorded(&s, AuditAction::MaskingRuleDelete, target, params, done).await
}

pub async fn get_instance_settings(instance_id: String) -> Result<InstanceSettings, AppError> {
    let s = signed_in().await?;
    let cloud = &s.portal.cloud;
    let switch = |which| cloud.dbss_switch(&s.caller, &instance_id, which);
    let masking = switch(InstanceSwitch::Masking).await.map_err(from_cloud)?;
    let result_set = switch(InstanceSwitch::ResultSet).await.map_err(from_cloud)?;
    Ok(InstanceSettings { masking_on: masking.into(), result_set_on: result_set.into() })
}

pub async fn set_instance_setting(
    instance_id: String,
    setting: InstanceSwitch,
    on: bool,
) -> Result<(), AppError> {
    let s = signed_in().await?;
    let done = s.portal.cloud.dbss_set_switch(&s.caller, &instance_id, setting, OnOff::from(on)).await;
    let params = serde_json::json!({"instance_id": instance_id, "setting": setting, "on": on});
    let target = audit::target("masking_instance", &instance_id, "");
    recorded(&s, AuditAction::MaskingSetting, target, params, done).await
}
