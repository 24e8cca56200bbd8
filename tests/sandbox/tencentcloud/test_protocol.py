"""API 3.0 protocol through the official SDK: signatures, routing, errors, faults, GET style."""

from __future__ import annotations

import json
import time

import pytest
import requests
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.retry import StandardRetryer

from sandbox.tencentcloud import ManualClock, SandboxTencentCloud, signing
from tests.sandbox.tencentcloud.calls import REGION, Api, make_as


def error_of(call, *args, **kwargs) -> TencentCloudSDKException:  # type: ignore[no-untyped-def]
    with pytest.raises(TencentCloudSDKException) as caught:
        call(*args, **kwargs)
    return caught.value


def raw_post(
    cloud: SandboxTencentCloud,
    body: dict,
    *,
    action: str,
    version: str = "2018-04-19",
    service: str = "as",
    timestamp: int | None = None,
    region: str | None = REGION,
    key: tuple[str, str] | None = None,
) -> requests.Response:
    """A hand-signed request, for what the SDK cannot be made to send."""
    payload = json.dumps(body).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    secret_id, secret_key = key or cloud.credentials
    headers = {
        "Content-Type": "application/json",
        "Host": cloud.endpoint,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(ts),
        "Authorization": signing.authorization_header(
            secret_id=secret_id,
            secret_key=secret_key,
            service=service,
            host=cloud.endpoint,
            timestamp=ts,
            payload=payload,
        ),
    }
    if region:
        headers["X-TC-Region"] = region
    return requests.post(cloud.url + "/", data=payload, headers=headers, timeout=10)


def test_signed_call_succeeds_and_reply_is_exact_json(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    reply = asapi("DescribeAutoScalingGroups")
    assert reply["TotalCount"] == 0
    assert reply["RequestId"]
    raw = raw_post(cloud, {}, action="DescribeAutoScalingGroups")
    assert raw.status_code == 200
    assert raw.headers["Content-Type"] == "application/json"
    assert set(raw.json()["Response"]) == {"AutoScalingGroupSet", "TotalCount", "RequestId"}


def test_wrong_secret_key_is_a_signature_failure(cloud: SandboxTencentCloud) -> None:
    secret_id, _ = cloud.credentials
    wrong = make_as(cloud, key=(secret_id, "not-the-secret-key"))
    error = error_of(wrong, "DescribeAutoScalingGroups")
    assert error.code == "AuthFailure.SignatureFailure"
    assert error.requestId


def test_unknown_secret_id_is_reported_as_not_found(cloud: SandboxTencentCloud) -> None:
    stranger = make_as(cloud, key=("AKIDnobody000000000000000000000000000", "whatever"))
    assert error_of(stranger, "DescribeAutoScalingGroups").code == "AuthFailure.SecretIdNotFound"


def test_a_timestamp_over_five_minutes_off_has_expired(clock: ManualClock) -> None:
    # The server's own time runs ten minutes ahead of the SDK's, so every SDK timestamp is stale.
    skewed = SandboxTencentCloud(clock=clock, wall_clock=lambda: time.time() + 600)
    with skewed:
        error = error_of(make_as(skewed), "DescribeAutoScalingGroups")
    assert error.code == "AuthFailure.SignatureExpire"


def test_a_timestamp_within_the_window_is_accepted(cloud: SandboxTencentCloud) -> None:
    stale = raw_post(
        cloud, {}, action="DescribeAutoScalingGroups", timestamp=int(time.time()) - 240
    )
    assert "Error" not in stale.json()["Response"]
    expired = raw_post(
        cloud, {}, action="DescribeAutoScalingGroups", timestamp=int(time.time()) - 400
    )
    assert expired.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureExpire"


def test_a_tampered_body_fails_the_signature(cloud: SandboxTencentCloud) -> None:
    payload = json.dumps({"Limit": 1}).encode()
    ts = int(time.time())
    secret_id, secret_key = cloud.credentials
    headers = {
        "Content-Type": "application/json",
        "Host": cloud.endpoint,
        "X-TC-Action": "DescribeAutoScalingGroups",
        "X-TC-Version": "2018-04-19",
        "X-TC-Timestamp": str(ts),
        "X-TC-Region": REGION,
        "Authorization": signing.authorization_header(
            secret_id=secret_id,
            secret_key=secret_key,
            service="as",
            host=cloud.endpoint,
            timestamp=ts,
            payload=payload,
        ),
    }
    reply = requests.post(cloud.url, data=b'{"Limit": 2}', headers=headers, timeout=10).json()
    assert reply["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


def test_missing_or_malformed_authorization(cloud: SandboxTencentCloud) -> None:
    reply = requests.post(
        cloud.url, data=b"{}", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert reply.status_code == 200
    assert reply.json()["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


def test_unknown_action_version_product_and_region(cloud: SandboxTencentCloud) -> None:
    assert (
        raw_post(cloud, {}, action="LaunchRockets").json()["Response"]["Error"]["Code"]
        == "InvalidAction"
    )
    assert (
        raw_post(cloud, {}, action="DescribeAutoScalingGroups", version="2017-01-01").json()[
            "Response"
        ]["Error"]["Code"]
        == "NoSuchVersion"
    )
    assert (
        raw_post(cloud, {}, action="DescribeInstances", service="cvm").json()["Response"]["Error"][
            "Code"
        ]
        == "NoSuchProduct"
    )
    nowhere = make_as(cloud, region="ap-nowhere")
    assert error_of(nowhere, "DescribeAutoScalingGroups").code == "UnsupportedRegion"
    missing = raw_post(cloud, {}, action="DescribeAutoScalingGroups", region=None).json()
    assert missing["Response"]["Error"]["Code"] == "MissingParameter"


def test_unknown_action_through_the_sdk(cloud: SandboxTencentCloud) -> None:
    client = CommonClient(
        "as",
        "2018-04-19",
        credential.Credential(*cloud.credentials),
        REGION,
        profile=cloud.client_profile(),
    )
    assert error_of(client.call_json, "LaunchRockets", {}).code == "InvalidAction"
    assert client.call_json("DescribeAutoScalingGroups", {})["Response"]["TotalCount"] == 0


def test_parameter_errors_use_the_api_codes(cloud: SandboxTencentCloud, asapi: Api) -> None:
    client = CommonClient(
        "as",
        "2018-04-19",
        credential.Credential(*cloud.credentials),
        REGION,
        profile=cloud.client_profile(),
    )
    assert error_of(client.call_json, "DescribeAutoScalingGroups", {"Colour": "red"}).code == (
        "UnknownParameter"
    )
    assert error_of(client.call_json, "DescribeAutoScalingGroups", {"Limit": "ten"}).code == (
        "InvalidParameter"
    )
    assert error_of(asapi, "DescribeAutoScalingGroups", Limit=500).code == (
        "InvalidParameterValue.LimitExceeded"
    )
    assert error_of(asapi, "ModifyDesiredCapacity", DesiredCapacity=1).code == "MissingParameter"
    assert (
        error_of(
            asapi, "DescribeAutoScalingGroups", Filters=[{"Name": "colour", "Values": ["red"]}]
        ).code
        == "InvalidParameterValue.Filter"
    )
    assert (
        error_of(
            asapi,
            "DescribeAutoScalingGroups",
            AutoScalingGroupIds=["asg-abcdefgh"],
            Filters=[{"Name": "auto-scaling-group-name", "Values": ["x"]}],
        ).code
        == "InvalidParameter.Conflict"
    )


def call_with_retries(api: Api, action: str, attempts: int = 3) -> dict:
    """Retry what the SDK classifies as retryable. (Its StandardRetryer cannot be used: in
    3.1.195 it never clears the previous error, so a success after a failure still raises.)"""
    for attempt in range(attempts):
        try:
            return api(action)
        except TencentCloudSDKException as error:
            if attempt == attempts - 1 or not StandardRetryer.should_retry(None, error):
                raise
    raise AssertionError("unreachable")


def test_throttling_then_a_retry_succeeds(cloud: SandboxTencentCloud, asapi: Api) -> None:
    cloud.inject("DescribeAutoScalingGroups", "RequestLimitExceeded", times=2)
    assert call_with_retries(asapi, "DescribeAutoScalingGroups")["TotalCount"] == 0
    codes = [c.error_code for c in cloud.calls("DescribeAutoScalingGroups")]
    assert codes == ["RequestLimitExceeded", "RequestLimitExceeded", None]


def test_throttling_without_retries_reaches_the_caller(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    cloud.inject("DescribeAutoScalingGroups", "RequestLimitExceeded")
    assert error_of(asapi, "DescribeAutoScalingGroups").code == "RequestLimitExceeded"
    assert asapi("DescribeAutoScalingGroups")["TotalCount"] == 0


def test_a_terminal_error_is_not_retried(cloud: SandboxTencentCloud, asapi: Api) -> None:
    with pytest.raises(TencentCloudSDKException) as caught:
        asapi("ModifyDesiredCapacity", AutoScalingGroupId="asg-missing0", DesiredCapacity=1)
    assert caught.value.code == "ResourceNotFound.AutoScalingGroupNotFound"
    assert not StandardRetryer.should_retry(None, caught.value)
    assert len(cloud.calls("ModifyDesiredCapacity")) == 1


def test_injected_internal_error_and_http_502(cloud: SandboxTencentCloud, asapi: Api) -> None:
    cloud.inject("*", "InternalError", service="as")
    assert error_of(asapi, "DescribeLaunchConfigurations").code == "InternalError"
    cloud.inject("DescribeLaunchConfigurations", 502)
    error = error_of(asapi, "DescribeLaunchConfigurations")
    assert error.code == "ServerNetworkError"
    assert asapi("DescribeLaunchConfigurations")["TotalCount"] == 0


def test_unsigned_payload_is_accepted(cloud: SandboxTencentCloud) -> None:
    profile = cloud.client_profile()
    profile.unsignedPayload = True
    assert make_as(cloud, profile=profile)("DescribeAutoScalingGroups")["TotalCount"] == 0


def test_get_requests_with_query_parameters(cloud: SandboxTencentCloud, asapi: Api) -> None:
    getter = make_as(cloud, reqMethod="GET")
    lc = getter(
        "CreateLaunchConfiguration",
        LaunchConfigurationName="lc-get",
        ImageId="img-demo0001",
        InstanceTypes=["S5.MEDIUM2", "S5.LARGE8"],
        ProjectId=0,
    )
    found = getter(
        "DescribeLaunchConfigurations",
        Filters=[{"Name": "launch-configuration-name", "Values": ["lc-get"]}],
        Limit=5,
    )
    assert (
        found["LaunchConfigurationSet"][0]["LaunchConfigurationId"] == lc["LaunchConfigurationId"]
    )
    assert found["LaunchConfigurationSet"][0]["InstanceTypes"] == ["S5.MEDIUM2", "S5.LARGE8"]


def test_signing_matches_the_sdk_byte_for_byte() -> None:
    # The SDK's own signer, fed the same canonical request, must agree with ours.
    from tencentcloud.common.sign import Sign

    ts = 1_700_000_000
    date = signing.utc_date(ts)
    canonical = signing.canonical_request(
        method="POST",
        path="/",
        query="",
        headers={"content-type": "application/json", "host": "h:1"},
        signed_headers=("content-type", "host"),
        payload_hash="0" * 64,
    )
    sts = signing.string_to_sign(timestamp=ts, date=date, service="as", canonical=canonical)
    assert signing.signature("key", date, "as", sts) == Sign.sign_tc3("key", date, "as", sts)


def test_client_profile_helper_matches_a_hand_built_profile(cloud: SandboxTencentCloud) -> None:
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=cloud.endpoint))
    hand_built = make_as(cloud, profile=profile)
    assert hand_built("DescribeAutoScalingGroups")["TotalCount"] == 0
