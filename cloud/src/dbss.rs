//! DBSS v1: audit instances and privacy-data masking rules (API reference §3).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Op;
use crate::validate::{path_id, range, text, wire_enum};
use crate::{Caller, CloudClient, CloudError, Result, Service};

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

/// The instance-wide switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceSwitch {
    /// "Mask privacy data" in audit results.
    Masking,
    /// "Store result sets" of audited statements.
    ResultSet,
}

impl InstanceSwitch {
    fn path(self) -> &'static str {
        match self {
            InstanceSwitch::Masking => "/sensitive/mask/switch",
            InstanceSwitch::ResultSet => "/sensitive/result/switch",
        }
    }
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
    pub status: Option<InstanceStatus>,
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
    pub kind: RuleType,
    #[serde(default)]
    pub regex: String,
    #[serde(default)]
    pub mask_value: String,
    pub status: OnOff,
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

/// A custom rule as created or edited. Length limits are undocumented; we choose 1–255 for
/// each field (the emulator enforces the same), and the regex must be non-empty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaskRuleInput {
    pub rule_name: String,
    pub mask_regex: String,
    pub mask_value: String,
}

impl MaskRuleInput {
    pub fn validate(&self) -> Result<()> {
        text("rule_name", &self.rule_name, 1, 255)?;
        text("mask_regex", &self.mask_regex, 1, 255)?;
        text("mask_value", &self.mask_value, 1, 255)
    }
}

#[derive(Deserialize)]
struct StatusAnswer {
    status: String,
}

#[derive(Deserialize)]
struct SwitchAnswer {
    status: OnOff,
}

fn instance_path(caller: &Caller, instance_id: &str, rest: &str) -> Result<String> {
    let id = path_id("instance_id", instance_id)?;
    CloudClient::project_path(caller, "v1", &format!("/audit/{id}{rest}"))
}

impl CloudClient {
    async fn dbss_send(
        &self,
        op: &'static str,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<reqwest::Response> {
        let op =
            if method == Method::GET { Op::read(Service::Dbss, op) } else { Op::write(Service::Dbss, op) };
        let mut req = self.request(method, Service::Dbss, &caller.region, path)?;
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.call(op, caller, req).await
    }

    /// Change calls answer `{"status":"SUCCESS"|"FAILED"}`; FAILED is an error too.
    async fn dbss_change(
        &self,
        op: &'static str,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<()> {
        let resp = self.dbss_send(op, caller, method, path, body).await?;
        let answer: StatusAnswer = Self::json(Service::Dbss, resp).await?;
        if answer.status == "SUCCESS" {
            Ok(())
        } else {
            Err(CloudError::Api {
                service: "DBSS",
                status: 200,
                code: "DBSS.FAILED".into(),
                message: "the service answered FAILED".into(),
                request_id: None,
            })
        }
    }

    /// `GET /v1/{project_id}/dbss/audit/instances`. Offset and limit go as strings; the limit
    /// range is undocumented: we send 1–1000.
    pub async fn dbss_list_instances(
        &self,
        caller: &Caller,
        offset: i64,
        limit: i64,
    ) -> Result<AuditInstanceList> {
        range("offset", offset, 0, i64::from(i32::MAX))?;
        range("limit", limit, 1, 1000)?;
        let path = Self::project_path(caller, "v1", "/dbss/audit/instances")?;
        let req = self
            .request(Method::GET, Service::Dbss, &caller.region, &path)?
            .query(&[("offset", offset.to_string()), ("limit", limit.to_string())]);
        let resp = self.call(Op::read(Service::Dbss, "dbss_list_instances"), caller, req).await?;
        Self::json(Service::Dbss, resp).await
    }

    pub async fn dbss_list_rules(
        &self,
        caller: &Caller,
        instance_id: &str,
        api: RulesApi,
        offset: i64,
        limit: i64,
    ) -> Result<MaskRuleList> {
        range("offset", offset, 0, i64::from(i32::MAX))?;
        range("limit", limit, 1, api.max_limit())?;
        let path = match api {
            RulesApi::Spec => {
                let id = path_id("instance_id", instance_id)?;
                Self::project_path(caller, "v1", &format!("/{id}/dbss/audit/sensitive/masks"))?
            }
            RulesApi::New => instance_path(caller, instance_id, "/sensitive/mask/rule")?,
        };
        let req = self
            .request(Method::GET, Service::Dbss, &caller.region, &path)?
            .query(&[("offset", offset.to_string()), ("limit", limit.to_string())]);
        let resp = self.call(Op::read(Service::Dbss, "dbss_list_rules"), caller, req).await?;
        Self::json(Service::Dbss, resp).await
    }

    pub async fn dbss_create_rule(
        &self,
        caller: &Caller,
        instance_id: &str,
        rule: &MaskRuleInput,
    ) -> Result<()> {
        rule.validate()?;
        let path = instance_path(caller, instance_id, "/sensitive/mask/rule")?;
        self.dbss_change(
            "dbss_create_rule",
            caller,
            Method::POST,
            &path,
            Some(serde_json::to_value(rule).expect("plain struct")),
        )
        .await
    }

    /// Edits a custom rule (the API uses POST, not PUT).
    pub async fn dbss_update_rule(
        &self,
        caller: &Caller,
        instance_id: &str,
        rule_id: &str,
        rule: &MaskRuleInput,
    ) -> Result<()> {
        rule.validate()?;
        let id = path_id("id", rule_id)?;
        let path = instance_path(caller, instance_id, &format!("/sensitive/mask/rule/{id}"))?;
        self.dbss_change(
            "dbss_update_rule",
            caller,
            Method::POST,
            &path,
            Some(serde_json::to_value(rule).expect("plain struct")),
        )
        .await
    }

    pub async fn dbss_delete_rule(&self, caller: &Caller, instance_id: &str, rule_id: &str) -> Result<()> {
        let id = path_id("id", rule_id)?;
        let path = instance_path(caller, instance_id, &format!("/sensitive/mask/rule/{id}"))?;
        self.dbss_change("dbss_delete_rule", caller, Method::DELETE, &path, None).await
    }

    /// Switches rules on or off in one call (the v2 API).
    pub async fn dbss_switch_rules(
        &self,
        caller: &Caller,
        instance_id: &str,
        ids: &[String],
        status: OnOff,
    ) -> Result<()> {
        range("ids", ids.len() as i64, 1, 1000)?;
        for id in ids {
            path_id("ids", id)?;
        }
        let id = path_id("instance_id", instance_id)?;
        let path = Self::project_path(caller, "v2", &format!("/audit/{id}/sensitive/mask/rule/switch"))?;
        self.dbss_change(
            "dbss_switch_rules",
            caller,
            Method::POST,
            &path,
            Some(serde_json::json!({"ids": ids, "status": status})),
        )
        .await
    }

    /// Reads one of the instance's switches.
    pub async fn dbss_switch(
        &self,
        caller: &Caller,
        instance_id: &str,
        which: InstanceSwitch,
    ) -> Result<OnOff> {
        let path = instance_path(caller, instance_id, which.path())?;
        let resp = self.dbss_send("dbss_switch", caller, Method::GET, &path, None).await?;
        Ok(Self::json::<SwitchAnswer>(Service::Dbss, resp).await?.status)
    }

    /// Turns one of the instance's switches on or off.
    pub async fn dbss_set_switch(
        &self,
        caller: &Caller,
        instance_id: &str,
        which: InstanceSwitch,
        status: OnOff,
    ) -> Result<()> {
        let path = instance_path(caller, instance_id, which.path())?;
        let body = Some(serde_json::json!({ "status": status }));
        self.dbss_change("dbss_set_switch", caller, Method::POST, &path, body).await
    }
}
