"""Official-SDK clients for an account connection (anything with keys, regions and an endpoint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from tencentcloud.autoscaling.v20180419 import autoscaling_client
from tencentcloud.clb.v20180317 import clb_client
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from engine.model import Execution

DEFAULT_TIMEOUT_SECONDS = 30


class Connection(Protocol):
    """What a client needs from an account (`apps.cloudaccounts.connections.TencentConnection`)."""

    @property
    def secret_id(self) -> str: ...

    @property
    def secret_key(self) -> str: ...

    @property
    def regions(self) -> list[str]: ...

    @property
    def endpoint(self) -> str: ...


# (execution, account name) -> the account's connection; raises when the team has no such account.
ConnectionResolver = Callable[[Execution, str], Connection]


def client_profile(connection: Connection, timeout: int = DEFAULT_TIMEOUT_SECONDS) -> ClientProfile:
    """The SDK's public endpoints, or one endpoint override for every service.

    The override may be a URL (`http://127.0.0.1:8080`) or a bare `host[:port]` (HTTPS then);
    with an override the SDK never composes `as.`/`clb.` host names, so one server answers both.
    """
    http = HttpProfile(reqTimeout=timeout)
    endpoint = (connection.endpoint or "").strip()
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        http = HttpProfile(protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=timeout)
    return ClientProfile(httpProfile=http)


def _credential(connection: Connection) -> Any:
    return credential.Credential(connection.secret_id, connection.secret_key)


def autoscaling(
    connection: Connection, region: str, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> autoscaling_client.AutoscalingClient:
    return autoscaling_client.AutoscalingClient(
        _credential(connection), region, client_profile(connection, timeout)
    )


def clb(
    connection: Connection, region: str, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> clb_client.ClbClient:
    return clb_client.ClbClient(
        _credential(connection), region, client_profile(connection, timeout)
    )
