"""API errors: retried with backoff when transient, shown with code and request id when not."""

from __future__ import annotations

from engine.status import Status
from tests.apps.tencentcloud.harness import Harness, cluster_config, failure_message


def deploy(**overrides: object) -> dict[str, object]:
    return {"refId": "d", "type": "deploy", "name": "Deploy", **cluster_config(**overrides)}


def create_stage(execution):  # type: ignore[no-untyped-def]
    return next(stage for stage in execution.stages if stage.type == "createServerGroup")


def test_throttling_is_retried_with_backoff_and_creates_one_group(harness: Harness) -> None:
    harness.cloud.inject("CreateAutoScalingGroup", "RequestLimitExceeded", times=3)

    execution = harness.pipeline(deploy())

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert sorted(harness.groups("shop-web")) == ["shop-web-v000"]
    throttled = [c for c in harness.cloud.calls("CreateAutoScalingGroup") if c.error_code]
    assert [c.error_code for c in throttled] == ["RequestLimitExceeded"] * 3
    stage = create_stage(execution)
    assert stage.context["lastCloudError"]["code"] == "RequestLimitExceeded"
    assert stage.context["lastCloudError"]["requestId"] == throttled[-1].request_id
    assert stage.context["cloudRetries"] == 0
    launch_configurations = harness.api.autoscaling("DescribeLaunchConfigurations", {})
    assert launch_configurations["TotalCount"] == 1


def test_server_errors_and_broken_responses_are_retried(harness: Harness) -> None:
    harness.cloud.inject("DescribeAutoScalingGroups", "InternalError", times=1)
    harness.cloud.inject("DescribeAutoScalingInstances", 502, times=2)

    execution = harness.pipeline(deploy())

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    codes = {c.error_code for c in harness.cloud.calls() if c.error_code}
    assert "InternalError" in codes


def test_a_terminal_error_fails_the_stage_with_the_api_code_and_request_id(
    harness: Harness,
) -> None:
    execution = harness.pipeline(deploy(imageId="img-doesnotexist"))

    assert execution.status == Status.TERMINAL
    stage = create_stage(execution)
    error = stage.context["cloudError"]
    assert error["code"] == "InvalidParameterValue.ImageNotFound"
    assert error["action"] == "CreateLaunchConfiguration"
    refused = harness.cloud.calls("CreateLaunchConfiguration")[-1]
    assert error["requestId"] == refused.request_id
    assert refused.request_id in failure_message(execution)
    assert harness.groups("shop-web") == {}
    assert [s.type for s in execution.stages] == ["deploy", "createServerGroup"]


def test_bad_keys_fail_at_once_with_the_auth_error(harness: Harness) -> None:
    execution = harness.pipeline(deploy(account="bad-keys"))

    assert execution.status == Status.TERMINAL
    stage = next(s for s in execution.stages if s.type == "createServerGroup")
    assert stage.context["cloudError"]["code"] == "AuthFailure.SignatureFailure"
    assert "not-the-key" not in str(execution.to_dict())


def test_an_unknown_account_fails_the_stage_with_a_message(harness: Harness) -> None:
    execution = harness.pipeline(deploy(account="nope"))

    assert execution.status == Status.TERMINAL
    assert "no Tencent Cloud account 'nope'" in failure_message(execution)
    assert ("acme", "nope") in harness.resolved


def test_retries_give_up_after_a_bound(harness: Harness) -> None:
    harness.cloud.inject("DescribeAutoScalingGroups", "RequestLimitExceeded", times=1000)

    execution = harness.pipeline(deploy(), minutes=180)

    assert execution.status == Status.TERMINAL
    stage = create_stage(execution)
    assert stage.context["cloudError"]["code"] == "RequestLimitExceeded"
    assert len(harness.cloud.calls("DescribeAutoScalingGroups")) == 31


def test_invalid_stage_fields_fail_with_the_field_named(harness: Harness) -> None:
    execution = harness.pipeline(deploy(capacity={"min": 3, "max": 1, "desired": 2}))

    assert execution.status == Status.TERMINAL
    assert "capacity" in failure_message(execution)
