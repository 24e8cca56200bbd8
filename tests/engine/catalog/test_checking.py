"""Value checks are as lenient as Spinnaker: coercible strings, expressions anywhere, unknown
keys kept; only what Orca could not use is an error."""

from __future__ import annotations

import pytest

from engine.catalog import CATALOG, ExpressionPolicy, Severity


def _problems(stage):
    return CATALOG.check_stage(stage, "/stages/0")


def _errors(stage):
    return [p for p in _problems(stage) if p.severity is Severity.ERROR]


@pytest.mark.parametrize("wait_time", [30, "30", " 45 ", 2.0, "${parameters.wait}", None, ""])
def test_numbers_may_be_written_as_strings_or_expressions(wait_time):
    assert _errors({"refId": "1", "type": "wait", "waitTime": wait_time}) == []


@pytest.mark.parametrize("wait_time", ["soon", [1], {"s": 1}, True])
def test_values_orca_cannot_read_as_numbers_are_errors_at_their_pointer(wait_time):
    [error] = _errors({"refId": "1", "type": "wait", "waitTime": wait_time})
    assert error.pointer == "/stages/0/waitTime"
    assert error.code == "type"


@pytest.mark.parametrize("flag", [True, False, "true", "FALSE", 0, 1, "${x}"])
def test_booleans_accept_what_jackson_coerces(flag):
    assert _errors({"refId": "1", "type": "wait", "failPipeline": flag}) == []


def test_booleans_refuse_other_text():
    [error] = _errors({"refId": "1", "type": "wait", "failPipeline": "sometimes"})
    assert error.pointer == "/stages/0/failPipeline"


def test_leftover_and_unknown_keys_are_not_checked():
    stage = {"refId": "1", "type": "wait", "manifests": "leftover", "x": {"y": [1, 2]}}
    assert _problems(stage) == []


def test_required_fields_and_conditional_requirements():
    errors = _errors({"refId": "1", "type": "deployManifest", "source": "artifact"})
    assert {e.pointer for e in errors} == {"/stages/0/account", "/stages/0/manifestArtifactId"}
    ok = {"refId": "1", "type": "deployManifest", "account": "a", "manifest": {"kind": "Pod"}}
    assert _errors(ok) == []


def test_static_targets_need_a_name_and_dynamic_ones_a_cluster():
    static = _errors({"refId": "1", "type": "deleteManifest", "account": "a"})
    assert [e.pointer for e in static] == ["/stages/0/manifestName"]
    dynamic = _errors(
        {"refId": "1", "type": "scaleManifest", "account": "a", "mode": "dynamic", "replicas": 0}
    )
    assert [e.pointer for e in dynamic] == ["/stages/0/cluster"]


def test_strict_enums_are_errors_and_loose_ones_warnings():
    webhook = {"refId": "1", "type": "webhook", "url": "https://x", "method": "FETCH"}
    assert [e.pointer for e in _errors(webhook)] == ["/stages/0/method"]
    assert _errors(webhook | {"method": "post"}) == []
    mode = {"refId": "1", "type": "manualJudgment", "notifications": [], "x": 1}
    assert _errors(mode) == []
    judged = _problems({"refId": "1", "type": "checkPreconditions", "preconditions": [
        {"type": "clusterSize", "context": {"comparison": "~="}}
    ]})  # fmt: skip
    assert [(p.severity, p.code) for p in judged] == [(Severity.WARNING, "enum")]


def test_unknown_stage_types_warn_and_only_common_fields_are_checked():
    problems = _problems({"refId": "1", "type": "jenkins", "job": ["anything"]})
    assert [(p.pointer, p.code, p.severity) for p in problems] == [
        ("/stages/0/type", "unknown_stage_type", Severity.WARNING)
    ]


def test_regex_cron_and_condition_formats_are_checked():
    git = CATALOG.check_trigger(
        {"type": "git", "source": "github", "project": "p", "slug": "s", "branch": "(x"},
        "/triggers/0",
    )
    assert [p.code for p in git] == ["regex"]
    cron = CATALOG.check_trigger({"type": "cron", "cronExpression": "nope"}, "/triggers/1")
    assert [p.pointer for p in cron] == ["/triggers/1/cronExpression"]
    condition = _errors(
        {"refId": "1", "type": "wait", "stageEnabled": {"type": "expression", "expression": "a =="}}
    )
    assert [p.pointer for p in condition] == ["/stages/0/stageEnabled/expression"]


def test_a_trigger_missing_what_it_needs_warns_instead_of_failing_the_save():
    git = CATALOG.check_trigger({"type": "git", "source": "github", "project": "p"}, "/triggers/0")
    assert [(p.pointer, p.severity, p.code) for p in git] == [
        ("/triggers/0/slug", Severity.WARNING, "incomplete_trigger")
    ]
    assert not CATALOG.trigger_is_complete({"type": "git", "source": "github", "project": "p"})
    assert CATALOG.trigger_is_complete({"type": "cron", "cronExpression": "0 0 * * *"})


def test_kept_spinnaker_trigger_and_notification_types_warn():
    jenkins = CATALOG.check_trigger({"type": "jenkins", "master": "m", "job": "j"}, "/triggers/0")
    assert [p.code for p in jenkins] == ["unsupported_trigger_type"]
    slack = CATALOG.check_notification({"type": "slack", "address": "#x"}, "/notifications/0")
    assert [p.code for p in slack] == ["unsupported_notification_type"]
    mystery = CATALOG.check_notification({"type": "pager"}, "/notifications/1")
    assert [p.code for p in mystery] == ["unknown_notification_type"]
    email = CATALOG.check_notification({"type": "email", "when": ["pipeline.odd"]}, "/n/0")
    assert {(p.pointer, p.code) for p in email} == {
        ("/n/0/address", "required"),
        ("/n/0/when/0", "enum"),
    }


def test_expression_policies_follow_the_schema():
    assert CATALOG.stage_expression_policy("wait", ["waitTime"]) is ExpressionPolicy.STRICT
    assert (
        CATALOG.stage_expression_policy("deployManifest", ["manifests", "0", "spec", "x"])
        is ExpressionPolicy.LENIENT
    )
    assert CATALOG.stage_expression_policy("wait", ["leftover"]) is ExpressionPolicy.LENIENT
    assert (
        CATALOG.stage_expression_policy("manualJudgment", ["judgmentInputs", "0", "value"])
        is ExpressionPolicy.STRICT
    )


def test_other_cloud_providers_are_flagged():
    stage = {"refId": "1", "type": "resizeServerGroup", "cloudProvider": "aws"}
    codes = [p.code for p in _problems(stage) if p.severity is Severity.WARNING]
    assert "unsupported_provider" in codes


def test_alternative_field_names_the_providers_accept_satisfy_requirements():
    older = {"refId": "1", "type": "deleteManifest", "credentials": "k8s", "manifestName": "pod x"}
    assert _errors(older) == []
    tencent = {"refId": "1", "type": "disableServerGroup", "account": "t", "region": "ap-x",
               "target": "ancestor_asg_dynamic", "cluster": "web"}  # fmt: skip
    assert _errors(tencent) == []
    missing = _errors({"refId": "1", "type": "shrinkCluster"})
    assert {e.pointer for e in missing} == {
        "/stages/0/account",
        "/stages/0/regions",
        "/stages/0/cluster",
    }


def test_manifests_may_be_yaml_text_and_canary_is_a_strategy():
    stage = {
        "refId": "1",
        "type": "deployManifest",
        "account": "k8s",
        "manifests": ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"],
        "trafficManagement": {"enabled": True, "options": {"strategy": "canary"}},
        "canary": {"steps": [{"setWeight": 20}, {"pause": {}}]},
    }
    assert _errors(stage) == []


def test_rolling_update_reads_the_platforms_field_names():
    stage = {"refId": "1", "type": "rollingUpdate", "account": "t", "region": "ap-x",
             "serverGroupName": "web-v001", "refreshMode": "replace", "onFailure": "rollback",
             "pauseAfterFirstBatch": True, "batchSize": "2"}  # fmt: skip
    assert _errors(stage) == []
    assert [e.pointer for e in _errors(stage | {"onFailure": "panic"})] == ["/stages/0/onFailure"]
