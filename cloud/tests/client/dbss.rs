//! DBSS masking rules through `cloud`, against the emulator.

use crate::common::*;
use cloud::dbss::*;
use cloud::CloudError;

async fn active_instance(client: &cloud::CloudClient, caller: &cloud::Caller) -> String {
    let list = client.dbss_list_instances(caller, 0, 100).await.unwrap();
    assert_eq!(list.total, 4);
    list.servers.iter().find(|i| i.status == Some(InstanceStatus::Active.into())).unwrap().id.clone()
}

fn rule(name: &str, regex: &str) -> MaskRuleInput {
    MaskRuleInput { rule_name: name.into(), mask_regex: regex.into(), mask_value: "###".into() }
}

#[tokio::test]
async fn both_list_apis_page_the_same_rules() {
    let (_emu, client) = setup().await;
    let caller = operator(&client).await;
    let id = active_instance(&client, &caller).await;
    let spec = client.dbss_list_rules(&caller, &id, RulesApi::Spec, 0, 10).await.unwrap();
    let new = client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 10).await.unwrap();
    assert_eq!(spec, new);
    assert_eq!(spec.total, 15);
    assert_eq!(spec.rules.len(), 10);
    assert_eq!(spec.rules[0].name, "Passport NO.");
    assert_eq!(spec.rules[0].kind, RuleType::BuildIn);
    let rest = client.dbss_list_rules(&caller, &id, RulesApi::Spec, 10, 10).await.unwrap();
    assert_eq!(rest.rules.len(), 5);
    assert!(rest.rules.iter().any(|r| r.kind == RuleType::UserDefine && r.regex == r"E\d{6}"));
    // Bounds differ between the two APIs.
    assert!(client.dbss_list_rules(&caller, &id, RulesApi::Spec, 0, 10_000).await.is_ok());
    assert!(matches!(
        client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 10_000).await,
        Err(CloudError::Invalid { field: "limit", .. })
    ));
}

#[tokio::test]
async fn create_edit_switch_delete_a_custom_rule() {
    let (_emu, client) = setup().await;
    let caller = operator_aksk();
    let id = active_instance(&client, &caller).await;
    client.dbss_create_rule(&caller, &id, &rule("Order number", r"ORD-\d{8}")).await.unwrap();
    let all = client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 100).await.unwrap();
    let created = all.rules.iter().find(|r| r.name == "Order number").unwrap().clone();
    assert_eq!((created.kind.known(), created.status.known()), (Some(RuleType::UserDefine), Some(OnOff::On)));

    client.dbss_update_rule(&caller, &id, &created.id, &rule("Order no.", r"ORD-\d{10}")).await.unwrap();
    let passport = all.rules.iter().find(|r| r.name == "Passport NO.").unwrap().id.clone();
    client
        .dbss_switch_rules(&caller, &id, &[created.id.clone(), passport.clone()], OnOff::Off)
        .await
        .unwrap();
    let after = client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 100).await.unwrap();
    let edited = after.rules.iter().find(|r| r.id == created.id).unwrap();
    assert_eq!(
        (edited.name.as_str(), edited.regex.as_str(), edited.status.known()),
        ("Order no.", r"ORD-\d{10}", Some(OnOff::Off))
    );
    assert_eq!(after.rules.iter().find(|r| r.id == passport).unwrap().status, OnOff::Off);

    client.dbss_delete_rule(&caller, &id, &created.id).await.unwrap();
    let after = client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 100).await.unwrap();
    assert_eq!(after.total, 15);
}

fn assert_dbss(err: CloudError, status: u16, code: &str) {
    match err {
        CloudError::Api { status: s, code: c, .. } => assert_eq!((s, c.as_str()), (status, code)),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn the_service_refuses_what_it_should() {
    let (_emu, client) = setup().await;
    let caller = operator(&client).await;
    let id = active_instance(&client, &caller).await;
    let rules = client.dbss_list_rules(&caller, &id, RulesApi::New, 0, 100).await.unwrap();
    let built_in = rules.rules.iter().find(|r| r.kind == RuleType::BuildIn).unwrap();
    // Built-in rules can only be switched.
    let err = client.dbss_update_rule(&caller, &id, &built_in.id, &rule("x", "y")).await.unwrap_err();
    assert_dbss(err, 400, "DBSS.10000001");
    assert_dbss(client.dbss_delete_rule(&caller, &id, &built_in.id).await.unwrap_err(), 400, "DBSS.10000001");
    // An invalid regex, a duplicate name.
    assert_dbss(
        client.dbss_create_rule(&caller, &id, &rule("Broken", "a(b")).await.unwrap_err(),
        400,
        "DBSS.10000001",
    );
    assert_dbss(
        client.dbss_create_rule(&caller, &id, &rule("EmployeeId", "E")).await.unwrap_err(),
        400,
        "DBSS.10000001",
    );
    // An instance that is not ACTIVE.
    let list = client.dbss_list_instances(&caller, 0, 100).await.unwrap();
    let off = list.servers.iter().find(|i| i.status == Some(InstanceStatus::Shutoff.into())).unwrap();
    assert_dbss(
        client.dbss_list_rules(&caller, &off.id, RulesApi::Spec, 0, 10).await.unwrap_err(),
        400,
        "DBSS.10020021",
    );
    // The auditor reads but never changes.
    let auditor = auditor(&client).await;
    assert!(client.dbss_list_rules(&auditor, &id, RulesApi::New, 0, 10).await.is_ok());
    let err = client.dbss_switch_rules(&auditor, &id, &[built_in.id.clone()], OnOff::Off).await.unwrap_err();
    assert_dbss(err, 403, "DBSS.10000002");
    // Client-side checks.
    assert!(matches!(
        client.dbss_create_rule(&caller, &id, &rule("", "x")).await,
        Err(CloudError::Invalid { field: "rule_name", .. })
    ));
    assert!(matches!(
        client.dbss_switch_rules(&caller, &id, &[], OnOff::On).await,
        Err(CloudError::Invalid { field: "ids", .. })
    ));
}

#[tokio::test]
async fn instance_switches() {
    let (_emu, client) = setup().await;
    let caller = operator_aksk();
    let id = active_instance(&client, &caller).await;
    assert_eq!(client.dbss_switch(&caller, &id, InstanceSwitch::Masking).await.unwrap(), OnOff::On);
    assert_eq!(client.dbss_switch(&caller, &id, InstanceSwitch::ResultSet).await.unwrap(), OnOff::Off);
    client.dbss_set_switch(&caller, &id, InstanceSwitch::Masking, OnOff::Off).await.unwrap();
    client.dbss_set_switch(&caller, &id, InstanceSwitch::ResultSet, OnOff::On).await.unwrap();
    assert_eq!(client.dbss_switch(&caller, &id, InstanceSwitch::Masking).await.unwrap(), OnOff::Off);
    assert_eq!(client.dbss_switch(&caller, &id, InstanceSwitch::ResultSet).await.unwrap(), OnOff::On);
}
