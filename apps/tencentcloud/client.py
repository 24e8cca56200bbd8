"""Builds official-SDK clients from account connections and explains their errors."""

from __future__ import annotations

from urllib.parse import urlsplit

from tencentcloud.autoscaling.v20180419 import autoscaling_client
from tencentcloud.clb.v20180317 import clb_client
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from apps.cloudaccounts.connections import TencentConnection


def _profile(connection: TencentConnection, timeout: int) -> ClientProfile:
    http = HttpProfile(reqTimeout=timeout)
    if connection.endpoint:
        # One endpoint override serves every service (the sandbox routes on X-TC-Version).
        parts = urlsplit(connection.endpoint)
        http = HttpProfile(protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=timeout)
    return ClientProfile(httpProfile=http)


def as_client(
    connection: TencentConnection, region: str, timeout: int = 30
) -> autoscaling_client.AutoscalingClient:
    cred = credential.Credential(connection.secret_id, connection.secret_key)
    return autoscaling_client.AutoscalingClient(cred, region, _profile(connection, timeout))


def clb_client_for(
    connection: TencentConnection, region: str, timeout: int = 30
) -> clb_client.ClbClient:
    cred = credential.Credential(connection.secret_id, connection.secret_key)
    return clb_client.ClbClient(cred, region, _profile(connection, timeout))


def explain_error(exc: BaseException) -> str:
    """Error code, message and request id; the API never echoes the SecretKey."""
    if isinstance(exc, TencentCloudSDKException):
        request = f" (RequestId {exc.get_request_id()})" if exc.get_request_id() else ""
        return f"{exc.get_code()}: {exc.get_message()}{request}"
    return f"{type(exc).__name__}: {exc}"
