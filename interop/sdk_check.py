"""Calls the emulator with the official Huawei Cloud Python SDK, AK/SK-signed, for every operation
the SDK covers, and checks that each answer parses into the SDK's models.

Usage: sdk_check.py http://127.0.0.1:PORT
Prints one line per check and ends with "N passed, N failed"; exits non-zero on any failure.
"""

import io
import re
import sys
import traceback
import zipfile

from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdbss.v1 import (
    BatchSwitchesRequestNew,
    CreateSensitiveMaskRuleRequest,
    DbssClient,
    DeleteSensitiveRulesRequest,
    ListAuditInstancesRequest,
    ListAuditSensitiveMasksNewRequest,
    ListAuditSensitiveMasksRequest,
    MaskRuleRequest,
    SetSensitiveMaskRuleSwitchRequest,
    SetSensitiveResultSwitchRequest,
    SetSensitiveSwitchRequest,
    ShowSensitiveMaskSwitchRequest,
    ShowSensitiveResultSwitchRequest,
    SwitchStatus,
    UpdateSensitiveMaskRuleRequest,
)
from huaweicloudsdkiam.v3 import (
    AuthScope,
    AuthScopeProject,
    CreateTemporaryAccessKeyByTokenRequest,
    CreateTemporaryAccessKeyByTokenRequestBody,
    IamClient,
    IdentityToken,
    KeystoneCreateScopedTokenRequest,
    KeystoneCreateScopedTokenRequestBody,
    KeystoneCreateUserTokenByPasswordAndMfaRequest,
    KeystoneCreateUserTokenByPasswordAndMfaRequestBody,
    MfaAuth,
    MfaIdentity,
    MfaTotp,
    MfaTotpUser,
    ScopedToken,
    ScopedTokenAuth,
    ScopedTokenIdentity,
    ScopeProjectOption,
    TokenAuth,
    TokenAuthIdentity,
    TokenSocpeOption,
    KeystoneCreateUserTokenByPasswordRequest,
    KeystoneCreateUserTokenByPasswordRequestBody,
    KeystoneListAuthProjectsRequest,
    KeystoneListGroupsForUserRequest,
    KeystoneValidateTokenRequest,
    PwdAuth,
    PwdIdentity,
    PwdPassword,
    PwdPasswordUser,
    PwdPasswordUserDomain,
)
from huaweicloudsdkhss.v5 import (
    BatchExportLocalVulInfoRequestInfo,
    BatchExportLocalVulTaskRequest,
    ExportContainerListRequest,
    ExportContainerListRequestBody,
    ExportContainerListRequestBodyCreateTime,
    ListDownloadExportedFileRequest,
    ListImageLocalRequest,
    ListQueryExportTaskRequest,
    CreateTaskRequest,
    CreateTaskRequestBody,
    CreateTaskRequestBodyClusterScanInfo,
    HssClient,
    ListIacFilesRequest,
    ListContainersRequest,
    ListKubernetesClusterDetailsRequest,
    ListTaskResourcesRequest,
    ListTaskResourcesRequestBody,
    ListTasksRequest,
    ListTasksRequestBody,
    RetryTaskRequest,
    RetryTaskRequestBody,
    RetryTaskRequestBodyClusterScanInfo,
    RetryTaskRequestBodyClusterScanInfoClusterInfoList,
    ShowTaskStatisticsRequest,
)

PROJECT = "5f6a2b7c9d0e41f3a8b6c4d2e0f19a37"  # cn-north-4 of the demo account
DOMAIN_ID = "d0c7a9e5b3f14268a0b2c4e6f8a1c3e5"
AK, SK = "SPDEMOAKOPERATOR0001", "spDemoSecretKeyForOperator00000000000001"


def client(cls, endpoint, ak=AK, sk=SK):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    creds = BasicCredentials(ak, sk, PROJECT)
    return cls.new_builder().with_http_config(config).with_credentials(creds).with_endpoints([endpoint]).build()


def expect_error(call, status, code):
    try:
        call()
    except ClientRequestException as e:
        assert e.status_code == status, f"status {e.status_code}, wanted {status}"
        assert e.error_code == code, f"error_code {e.error_code}, wanted {code}"
        assert e.request_id, "errors carry a request id"
        return
    raise AssertionError(f"expected {status} {code}, got success")


def checks(endpoint):
    hss = client(HssClient, endpoint)

    def clusters_list():
        r = hss.list_kubernetes_cluster_details(ListKubernetesClusterDetailsRequest(offset=0, limit=10))
        assert r.total_num == 12 and len(r.cluster_info_list) == 10, r
        first = r.cluster_info_list[0]
        assert first.cluster_id and first.cluster_name and first.status, first

    def clusters_filter_by_name_with_odd_characters():
        r = hss.list_kubernetes_cluster_details(
            ListKubernetesClusterDetailsRequest(limit=200, cluster_name="pay ments/(&=?)+")
        )
        assert r.total_num == 0, r

    def clusters_limit_out_of_range():
        expect_error(
            lambda: hss.list_kubernetes_cluster_details(ListKubernetesClusterDetailsRequest(limit=500)),
            400,
            "HSS.0001",
        )

    def task_statistics():
        r = hss.show_task_statistics(ShowTaskStatisticsRequest(task_type="iac_scan"))
        assert r.total_num == 0 and r.running_num == 0, r

    def cluster_scan_create_list_resources_retry():
        clusters = hss.list_kubernetes_cluster_details(ListKubernetesClusterDetailsRequest(limit=200)).cluster_info_list
        flaky = next(c for c in clusters if c.status == "Available" and c.agent_install_failed_num > 0)
        good = next(c for c in clusters if c.status == "Available" and c.agent_ds_install_status == "Installed"
                    and c.agent_install_failed_num == 0)
        body = CreateTaskRequestBody(
            task_type="cluster_scan",
            cluster_scan_info=CreateTaskRequestBodyClusterScanInfo(
                scan_type_list=["cluster_vul", "risk_assessment"], range_type="specific_cluster",
                cluster_id_list=[flaky.cluster_id, good.cluster_id]),
        )
        task_id = hss.create_task(CreateTaskRequest(body=body)).task_id
        assert task_id

        def listed():
            q = ListTasksRequestBody(task_type="cluster_scan", task_id=task_id)
            r = hss.list_tasks(ListTasksRequest(offset=0, limit=10, body=q))
            assert r.total_num == 1, r
            return r.data_list[0]

        task = listed()  # the emulator runs with reads:1 here, so one read finishes it
        assert task.task_status == "finished", task
        assert task.cluster_scan_info.failed_cluster_num == 1, task
        res = hss.list_task_resources(ListTaskResourcesRequest(
            task_id=task_id, offset=0, limit=10, body=ListTaskResourcesRequestBody(task_type="cluster_scan")))
        failed = next(c for c in res.cluster_scan_data_list if c.cluster_id == flaky.cluster_id)
        assert failed.scan_status == "failed" and failed.scan_detail_list[0].failed_reason, failed
        retry = RetryTaskRequestBody(task_type="cluster_scan", cluster_scan_info=RetryTaskRequestBodyClusterScanInfo(
            range_type="specific_cluster",
            cluster_info_list=[RetryTaskRequestBodyClusterScanInfoClusterInfoList(cluster_id=flaky.cluster_id)]))
        hss.retry_task(RetryTaskRequest(task_id=task_id, body=retry))
        task = listed()
        assert task.cluster_scan_info.failed_cluster_num == 0, task

    def cluster_scan_without_clusters_is_refused():
        body = CreateTaskRequestBody(task_type="cluster_scan", cluster_scan_info=CreateTaskRequestBodyClusterScanInfo(
            scan_type_list=["benchmark"], range_type="specific_cluster"))
        expect_error(lambda: hss.create_task(CreateTaskRequest(body=body)), 400, "HSS.0001")

    def containers_list():
        r = hss.list_containers(ListContainersRequest(limit=10, cluster_container=True))
        assert r.total_num > 10 and len(r.data_list) == 10, r
        assert all(c.cluster_name and c.container_id for c in r.data_list), r.data_list[0]
        named = hss.list_containers(ListContainersRequest(limit=10, container_name=r.data_list[0].container_name))
        assert named.total_num >= 1 and all(r.data_list[0].container_name in c.container_name for c in named.data_list)

    def iac_files_list():
        r = hss.list_iac_files(ListIacFilesRequest(offset=0, limit=10, scan_type="manual_scan"))
        assert r.total_num == 0, r

    def finished_export(task_id):
        state = hss.list_query_export_task(ListQueryExportTaskRequest(task_id=task_id, region="cn-north-4"))
        assert state.task_status == "success" and state.file_id and state.file_name.endswith(".zip"), state
        resp = hss.list_download_exported_file(ListDownloadExportedFileRequest(file_id=state.file_id, region="cn-north-4"))
        chunks = []
        resp.consume_download_stream(lambda stream: chunks.extend(stream.iter_content(64 * 1024)))
        data = b"".join(chunks)
        zf = zipfile.ZipFile(io.BytesIO(data))
        assert zf.testzip() is None
        return zf.read(zf.namelist()[0]).decode("utf-8-sig").splitlines()

    def container_export_and_download():
        body = ExportContainerListRequestBody(
            export_headers=[["container_name", "Name"], ["status", "State"]],
            status="Running",
            create_time=ExportContainerListRequestBodyCreateTime(start_time=0, end_time=4102444800000),
        )
        task_id = hss.export_container_list(ExportContainerListRequest(export_size=7, body=body)).task_id
        lines = finished_export(task_id)
        assert lines[0] == "Name,State" and len(lines) == 8, lines[:3]

    def local_vulnerability_export_and_download():
        images = hss.list_image_local(ListImageLocalRequest(offset=0, limit=50, has_vul=True)).data_list
        ids = [i.image_id for i in images[:2]]
        info = BatchExportLocalVulInfoRequestInfo(image_id_list=ids, operate_all=False)
        r = hss.batch_export_local_vul_task(BatchExportLocalVulTaskRequest(region="cn-north-4", export_size=500, body=info))
        lines = finished_export(r.task_id)
        assert len(lines) - 1 == r.record_total_num > 0, (r, lines[:2])

    def container_export_without_headers_is_refused():
        body = ExportContainerListRequestBody(export_headers=[], status="Running")
        expect_error(lambda: hss.export_container_list(ExportContainerListRequest(body=body)), 400, "HSS.0001")
        # Titles of 1 to 64 characters, keys once each.
        for headers in ([["container_name", ""]], [["container_name", "A"], ["container_name", "B"]],
                        [["container_name", "x" * 65]]):
            body = ExportContainerListRequestBody(export_headers=headers)
            expect_error(lambda: hss.export_container_list(ExportContainerListRequest(body=body)), 400, "HSS.0001")

    dbss = client(DbssClient, endpoint)

    def active_instance():
        r = dbss.list_audit_instances(ListAuditInstancesRequest(offset="0", limit="100"))
        assert r.total == 4, r
        return next(i.id for i in r.servers if i.status == "ACTIVE")

    def dbss_rules_both_list_apis():
        iid = active_instance()
        old = dbss.list_audit_sensitive_masks(ListAuditSensitiveMasksRequest(instance_id=iid, offset="0", limit="10"))
        new = dbss.list_audit_sensitive_masks_new(ListAuditSensitiveMasksNewRequest(instance_id=iid, offset="0", limit="10"))
        assert old.total == new.total == 15 and len(old.rules) == 10, old
        assert old.rules[0].type == "BUILD_IN" and old.rules[0].name == "Passport NO.", old.rules[0]
        # `operate_time` as the API's example writes it: 2030-01-01 00:00:06.
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", old.rules[0].operate_time), old.rules[0]

    def dbss_rule_lifecycle():
        iid = active_instance()
        body = MaskRuleRequest(rule_name="SDK rule", mask_regex=r"SDK-\d{4}", mask_value="SDK-****")
        assert dbss.create_sensitive_mask_rule(CreateSensitiveMaskRuleRequest(instance_id=iid, body=body)).status == "SUCCESS"
        rules = dbss.list_audit_sensitive_masks_new(
            ListAuditSensitiveMasksNewRequest(instance_id=iid, offset="0", limit="100")).rules
        rid = next(r.id for r in rules if r.name == "SDK rule")
        body = MaskRuleRequest(rule_name="SDK rule 2", mask_regex=r"SDK-\d{5}", mask_value="SDK-*****")
        dbss.update_sensitive_mask_rule(UpdateSensitiveMaskRuleRequest(instance_id=iid, id=rid, body=body))
        dbss.set_sensitive_mask_rule_switch(SetSensitiveMaskRuleSwitchRequest(
            instance_id=iid, body=BatchSwitchesRequestNew(ids=[rid], status="OFF")))
        rules = dbss.list_audit_sensitive_masks_new(
            ListAuditSensitiveMasksNewRequest(instance_id=iid, offset="0", limit="100")).rules
        edited = next(r for r in rules if r.id == rid)
        assert (edited.name, edited.status) == ("SDK rule 2", "OFF"), edited
        dbss.delete_sensitive_rules(DeleteSensitiveRulesRequest(instance_id=iid, id=rid))

    def dbss_switches():
        iid = active_instance()
        assert dbss.show_sensitive_mask_switch(ShowSensitiveMaskSwitchRequest(instance_id=iid)).status == "ON"
        dbss.set_sensitive_switch(SetSensitiveSwitchRequest(instance_id=iid, body=SwitchStatus(status="OFF")))
        assert dbss.show_sensitive_mask_switch(ShowSensitiveMaskSwitchRequest(instance_id=iid)).status == "OFF"
        dbss.set_sensitive_result_switch(SetSensitiveResultSwitchRequest(instance_id=iid, body=SwitchStatus(status="ON")))
        assert dbss.show_sensitive_result_switch(ShowSensitiveResultSwitchRequest(instance_id=iid)).status == "ON"

    def dbss_invalid_regex_is_refused():
        iid = active_instance()
        body = MaskRuleRequest(rule_name="Broken", mask_regex="a(b", mask_value="x")
        expect_error(lambda: dbss.create_sensitive_mask_rule(CreateSensitiveMaskRuleRequest(instance_id=iid, body=body)),
                     400, "DBSS.10000001")

    iam_config = HttpConfig.get_default_config()
    iam = (IamClient.new_builder().with_http_config(iam_config)
           .with_credentials(GlobalCredentials(AK, SK, DOMAIN_ID)).with_endpoints([endpoint]).build())

    def password_token_validate_and_projects():
        user = PwdPasswordUser(domain=PwdPasswordUserDomain(name="secportal-demo"), name="operator",
                               password="operator-pass-1")
        auth = PwdAuth(
            identity=PwdIdentity(methods=["password"], password=PwdPassword(user=user)),
            scope=AuthScope(project=AuthScopeProject(name="cn-north-4")))
        r = iam.keystone_create_user_token_by_password(KeystoneCreateUserTokenByPasswordRequest(
            nocatalog="true", body=KeystoneCreateUserTokenByPasswordRequestBody(auth=auth)))
        token = r.x_subject_token
        assert token and len(token) > 2000, "a long opaque token in X-Subject-Token"
        assert r.token.project.name == "cn-north-4" and r.token.user.name == "operator", r.token
        assert r.token.expires_at.endswith("Z")
        v = iam.keystone_validate_token(KeystoneValidateTokenRequest(x_subject_token=token, nocatalog="true"))
        assert v.token.user.id == r.token.user.id, v
        projects = iam.keystone_list_auth_projects(KeystoneListAuthProjectsRequest()).projects
        assert sorted(p.name for p in projects) == ["ap-southeast-1", "cn-north-4"], projects

    def mfa_scoped_and_temporary_keys():
        user = PwdPasswordUser(domain=PwdPasswordUserDomain(name="secportal-demo"), name="auditor",
                               password="auditor-pass-1")
        first = iam.keystone_create_user_token_by_password(KeystoneCreateUserTokenByPasswordRequest(
            body=KeystoneCreateUserTokenByPasswordRequestBody(auth=PwdAuth(
                identity=PwdIdentity(methods=["password"], password=PwdPassword(user=user)),
                scope=AuthScope(project=AuthScopeProject(name="cn-north-4"))))))
        mfa = iam.keystone_create_user_token_by_password_and_mfa(KeystoneCreateUserTokenByPasswordAndMfaRequest(
            body=KeystoneCreateUserTokenByPasswordAndMfaRequestBody(auth=MfaAuth(
                identity=MfaIdentity(methods=["password", "totp"], password=PwdPassword(user=user),
                                     totp=MfaTotp(user=MfaTotpUser(id=first.token.user.id, passcode="123456"))),
                scope=AuthScope(project=AuthScopeProject(name="cn-north-4"))))))
        assert mfa.x_subject_token and mfa.token.user.name == "auditor", mfa.token
        scoped = iam.keystone_create_scoped_token(KeystoneCreateScopedTokenRequest(
            body=KeystoneCreateScopedTokenRequestBody(auth=ScopedTokenAuth(
                identity=ScopedTokenIdentity(methods=["token"], token=ScopedToken(id=mfa.x_subject_token)),
                scope=TokenSocpeOption(project=ScopeProjectOption(id="8c3e1d9b7a6f45e2b0c4d8f1a3e5b7c9"))))))
        assert scoped.token.project.name == "ap-southeast-1", scoped.token
        temp = iam.create_temporary_access_key_by_token(CreateTemporaryAccessKeyByTokenRequest(
            body=CreateTemporaryAccessKeyByTokenRequestBody(auth=TokenAuth(identity=TokenAuthIdentity(
                methods=["token"], token=IdentityToken(id=mfa.x_subject_token, duration_seconds=900))))))
        c = temp.credential
        assert c.access and c.secret and c.securitytoken and c.expires_at, c
        # The temporary keys work for HSS when the security token comes along.
        creds = BasicCredentials(c.access, c.secret, PROJECT).with_security_token(c.securitytoken)
        hss_temp = HssClient.new_builder().with_credentials(creds).with_endpoints([endpoint]).build()
        r = hss_temp.show_task_statistics(ShowTaskStatisticsRequest(task_type="iac_scan"))
        assert r.total_num >= 0, r

    def user_groups():
        groups = iam.keystone_list_groups_for_user(
            KeystoneListGroupsForUserRequest(user_id="7ea00900000000000000000000000009")).groups
        assert [(g.name, g.domain_id) for g in groups] == [("secportal-admins", DOMAIN_ID)], groups
        assert groups[0].id and groups[0].links._self.endswith(groups[0].id), groups[0]
        try:
            iam.keystone_list_groups_for_user(KeystoneListGroupsForUserRequest(user_id="0" * 32))
            raise AssertionError("an unknown user's groups were listed")
        except ClientRequestException as e:
            assert e.status_code == 404, e

    def wrong_password_is_refused():
        user = PwdPasswordUser(domain=PwdPasswordUserDomain(name="secportal-demo"), name="operator", password="nope")
        auth = PwdAuth(
            identity=PwdIdentity(methods=["password"], password=PwdPassword(user=user)),
            scope=AuthScope(project=AuthScopeProject(name="cn-north-4")))
        body = KeystoneCreateUserTokenByPasswordRequestBody(auth=auth)
        try:
            iam.keystone_create_user_token_by_password(KeystoneCreateUserTokenByPasswordRequest(body=body))
        except ClientRequestException as e:
            assert e.status_code == 401, e
            return
        raise AssertionError("a wrong password was accepted")

    def wrong_secret_is_refused():
        bad = client(HssClient, endpoint, sk="not-the-secret")
        expect_error(
            lambda: bad.show_task_statistics(ShowTaskStatisticsRequest(task_type="iac_scan")), 401, "APIGW.0301"
        )

    return [
        clusters_list,
        clusters_filter_by_name_with_odd_characters,
        clusters_limit_out_of_range,
        task_statistics,
        cluster_scan_create_list_resources_retry,
        cluster_scan_without_clusters_is_refused,
        iac_files_list,
        containers_list,
        container_export_and_download,
        local_vulnerability_export_and_download,
        container_export_without_headers_is_refused,
        dbss_rules_both_list_apis,
        dbss_rule_lifecycle,
        dbss_switches,
        dbss_invalid_regex_is_refused,
        password_token_validate_and_projects,
        user_groups,
        wrong_password_is_refused,
        mfa_scoped_and_temporary_keys,
        wrong_secret_is_refused,
    ]


def main():
    endpoint = sys.argv[1]
    passed = failed = 0
    for check in checks(endpoint):
        try:
            check()
            passed += 1
            print(f"ok   {check.__name__}")
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"FAIL {check.__name__}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
