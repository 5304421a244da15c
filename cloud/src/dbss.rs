//! DBSS v1 calls: audit instances and privacy-data masking rules (API reference §3). The types
//! are [`crate::model::dbss`]'s, re-exported here.

use reqwest::Method;
use serde::Deserialize;

use crate::client::Op;
pub use crate::model::dbss::*;
use crate::model::{path_id, path_ids, range};
use crate::{Caller, CloudClient, CloudError, Result, Service};

fn switch_path(which: InstanceSwitch) -> &'static str {
    match which {
        InstanceSwitch::Masking => "/sensitive/mask/switch",
        InstanceSwitch::ResultSet => "/sensitive/result/switch",
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
        path_ids("ids", ids, 1, MAX_SWITCH_IDS)?;
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
        let path = instance_path(caller, instance_id, switch_path(which))?;
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
        let path = instance_path(caller, instance_id, switch_path(which))?;
        let body = Some(serde_json::json!({ "status": status }));
        self.dbss_change("dbss_set_switch", caller, Method::POST, &path, body).await
    }
}
