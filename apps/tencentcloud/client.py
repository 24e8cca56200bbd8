"""Builds official-SDK clients from account connections and explains their errors."""

from __future__ import annotations

from tencentcloud.autoscaling.v20180419 import autoscaling_client
from tencentcloud.clb.v20180317 import clb_client
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile

from apps.cloudaccounts.connections import TencentConnection
from apps.tencentcloud.stages import sdk


def _profile(connection: TencentConnection, timeout: int) -> ClientProfile:
    # The endpoint may be a URL (`http://127.0.0.1:8080`) or a bare `host[:port]` (HTTPS).
    return sdk.client_profile(connection, timeout)


def as_client(
    connection: TencentConnection, region: str, timeout: int = 30
) -> autoscaling_client.AutoscalingClient:
    return sdk.autoscaling(connection, region, timeout)


def clb_client_for(
    connection: TencentConnection, region: str, timeout: int = 30
) -> clb_client.ClbClient:
    return sdk.clb(connection, region, timeout)


def explain_error(exc: BaseException) -> str:
    """Error code, message and request id; the API never echoes the SecretKey."""
    if isinstance(exc, TencentCloudSDKException):
        request = f" (RequestId {exc.get_request_id()})" if exc.get_request_id() else ""
        return f"{exc.get_code()}: {exc.get_message()}{request}"
    return f"{type(exc).__name__}: {exc}"
