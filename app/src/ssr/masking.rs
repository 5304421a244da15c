//! DBSS masking rules for the signed-in user.

use cloud::dbss::{InstanceStatus, InstanceSwitch, MaskRule, MaskRuleInput, OnOff, RuleType, RulesApi};
use cloud::CloudError;

use super::session::caller;
use super::{from_cloud, Portal};
use crate::dto::masking::{
    check_paging, InstanceRow, InstanceSettings, RuleInput, RuleRow, RulesPage, Setting,
};
use crate::error::AppError;

fn row(r: MaskRule) -> RuleRow {
    RuleRow {
        id: r.id,
        name: r.name,
        built_in: r.kind == RuleType::BuildIn,
        regex: r.regex,
        mask_value: r.mask_value,
        on: r.status == OnOff::On,
        operate_time: r.operate_time,
    }
}

fn on_off(on: bool) -> OnOff {
    if on {
        OnOff::On
    } else {
        OnOff::Off
    }
}

pub async fn instances() -> Result<Vec<InstanceRow>, AppError> {
    let (portal, caller) = caller().await?;
    let list = portal.cloud.dbss_list_instances(&caller, 0, 1000).await.map_err(from_cloud)?;
    Ok(list
        .servers
        .into_iter()
        .map(|i| InstanceRow {
            active: i.status == Some(InstanceStatus::Active),
            status: i.status.map(|s| s.to_string()).unwrap_or_else(|| "UNKNOWN".into()),
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
    caller: &cloud::Caller,
    id: &str,
    offset: i64,
    limit: i64,
) -> Result<cloud::dbss::MaskRuleList, CloudError> {
    let cloud = &portal.cloud;
    match cloud.dbss_list_rules(caller, id, RulesApi::Spec, offset, limit).await {
        Err(e) if spec_refused(&e) => {
            cloud.dbss_list_rules(caller, id, RulesApi::New, offset, limit.min(1000)).await
        }
        other => other,
    }
}

pub async fn rules(
    instance_id: String,
    offset: u32,
    limit: u32,
    q: Option<String>,
    kind: Option<String>,
    status: Option<String>,
) -> Result<RulesPage, AppError> {
    check_paging(offset, limit)?;
    let q = q.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let kind = kind.filter(|k| !k.is_empty());
    let status = status.filter(|s| !s.is_empty());
    if let Some(k) = kind.as_deref() {
        if k != "built_in" && k != "custom" {
            return Err(AppError::invalid("kind", "built_in or custom"));
        }
    }
    if let Some(s) = status.as_deref() {
        if s != "on" && s != "off" {
            return Err(AppError::invalid("status", "on or off"));
        }
    }
    let (portal, caller) = caller().await?;
    if q.is_none() && kind.is_none() && status.is_none() {
        // No filter: the cloud pages for us.
        let page =
            list(&portal, &caller, &instance_id, offset.into(), limit.into()).await.map_err(from_cloud)?;
        return Ok(RulesPage {
            rules: page.rules.into_iter().map(row).collect(),
            total: page.total.max(0) as usize,
            offset,
            limit,
        });
    }
    // The APIs cannot filter: fetch every rule (the spec API takes up to 10000 at once), then
    // filter and page here.
    let mut all = Vec::new();
    loop {
        let page = list(&portal, &caller, &instance_id, all.len() as i64, 1000).await.map_err(from_cloud)?;
        let got = page.rules.len();
        all.extend(page.rules.into_iter().map(row));
        if got < 1000 || all.len() as i64 >= page.total {
            break;
        }
    }
    let matching: Vec<RuleRow> = all
        .into_iter()
        .filter(|r| q.as_ref().is_none_or(|q| r.name.to_lowercase().contains(q)))
        .filter(|r| kind.as_deref().is_none_or(|k| (k == "built_in") == r.built_in))
        .filter(|r| status.as_deref().is_none_or(|s| (s == "on") == r.on))
        .collect();
    let total = matching.len();
    let rules = matching.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(RulesPage { rules, total, offset, limit })
}

pub async fn switch(instance_id: String, ids: String, status: String) -> Result<(), AppError> {
    let ids: Vec<String> =
        ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    if ids.is_empty() {
        return Err(AppError::invalid("ids", "choose at least one rule"));
    }
    let status = match status.as_str() {
        "ON" => OnOff::On,
        "OFF" => OnOff::Off,
        _ => return Err(AppError::invalid("status", "ON or OFF")),
    };
    let (portal, caller) = caller().await?;
    portal.cloud.dbss_switch_rules(&caller, &instance_id, &ids, status).await.map_err(from_cloud)
}

fn input(rule: RuleInput) -> Result<MaskRuleInput, AppError> {
    rule.validate()?;
    Ok(MaskRuleInput { rule_name: rule.rule_name, mask_regex: rule.mask_regex, mask_value: rule.mask_value })
}

pub async fn create(instance_id: String, rule: RuleInput) -> Result<(), AppError> {
    let rule = input(rule)?;
    let (portal, caller) = caller().await?;
    portal.cloud.dbss_create_rule(&caller, &instance_id, &rule).await.map_err(from_cloud)
}

pub async fn update(instance_id: String, rule_id: String, rule: RuleInput) -> Result<(), AppError> {
    let rule = input(rule)?;
    let (portal, caller) = caller().await?;
    portal.cloud.dbss_update_rule(&caller, &instance_id, &rule_id, &rule).await.map_err(from_cloud)
}

pub async fn delete(instance_id: String, rule_id: String) -> Result<(), AppError> {
    let (portal, caller) = caller().await?;
    portal.cloud.dbss_delete_rule(&caller, &instance_id, &rule_id).await.map_err(from_cloud)
}

pub async fn settings(instance_id: String) -> Result<InstanceSettings, AppError> {
    let (portal, caller) = caller().await?;
    let cloud = &portal.cloud;
    let masking =
        cloud.dbss_switch(&caller, &instance_id, InstanceSwitch::Masking).await.map_err(from_cloud)?;
    let result_set =
        cloud.dbss_switch(&caller, &instance_id, InstanceSwitch::ResultSet).await.map_err(from_cloud)?;
    Ok(InstanceSettings { masking_on: masking == OnOff::On, result_set_on: result_set == OnOff::On })
}

pub async fn set_setting(instance_id: String, setting: Setting, on: bool) -> Result<(), AppError> {
    let (portal, caller) = caller().await?;
    let which = match setting {
        Setting::Masking => InstanceSwitch::Masking,
        Setting::ResultSet => InstanceSwitch::ResultSet,
    };
    portal.cloud.dbss_set_switch(&caller, &instance_id, which, on_off(on)).await.map_err(from_cloud)
}
