"""Turns a cloud account into what a client library needs (the sandbox kind resolves here)."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from apps.cloudaccounts.models import AccountKind, CloudAccount, Provider
from apps.core.conf import platform_settings
from apps.core.errors import UpstreamError


@dataclass(frozen=True)
class KubernetesConnection:
    """Either a kubeconfig document (+ context) or a server with a bearer token."""

    server: str = ""
    token: str = ""
    ca_data: str = ""
    insecure: bool = False
    kubeconfig: dict | None = None
    context: str | None = None
    namespaces: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Where this connects, for error messages (no secrets)."""
        if self.kubeconfig is not None:
            return f"context {self.context or '(current)'}"
        return self.server


@dataclass(frozen=True)
class TencentConnection:
    secret_id: str
    secret_key: str
    regions: list[str]
    endpoint: str = ""  # empty: the SDK's public endpoints


class SandboxNotRunning(UpstreamError):
    default_message = "The sandbox is not running in this server."


def kubernetes_connection(account: CloudAccount) -> KubernetesConnection:
    if account.provider != Provider.KUBERNETES:
        raise ValueError(f"{account} is not a Kubernetes account")
    namespaces = list(account.settings.get("namespaces") or [])
    if account.kind == AccountKind.SANDBOX:
        url = platform_settings.SANDBOX_KUBERNETES_URL
        if not url:
            raise SandboxNotRunning(
                "The sandbox cluster is not running in this server (it starts with `make run`, "
                "or set CDPLATFORM['SANDBOX_KUBERNETES_URL'])."
            )
        return KubernetesConnection(
            server=url, token=platform_settings.SANDBOX_KUBERNETES_TOKEN, namespaces=namespaces
        )
    if account.kind == AccountKind.KUBECONFIG:
        document = yaml.safe_load(account.credentials["kubeconfig"])
        return KubernetesConnection(
            kubeconfig=document, context=account.settings.get("context"), namespaces=namespaces
        )
    return KubernetesConnection(
        server=account.settings["server"],
        token=account.credentials.get("token", ""),
        ca_data=account.credentials.get("ca_data", ""),
        insecure=bool(account.settings.get("insecure")),
        namespaces=namespaces,
    )


def tencent_connection(account: CloudAccount) -> TencentConnection:
    if account.provider != Provider.TENCENT:
        raise ValueError(f"{account} is not a Tencent Cloud account")
    if account.kind == AccountKind.SANDBOX:
        endpoint = platform_settings.SANDBOX_TENCENTCLOUD_ENDPOINT
        if not endpoint:
            raise SandboxNotRunning(
                "The sandbox Tencent Cloud is not running in this server (it starts with "
                "`make run`, or set CDPLATFORM['SANDBOX_TENCENTCLOUD_ENDPOINT'])."
            )
        return TencentConnection(
            secret_id=platform_settings.SANDBOX_TENCENTCLOUD_SECRET_ID,
            secret_key=platform_settings.SANDBOX_TENCENTCLOUD_SECRET_KEY,
            regions=list(account.settings.get("regions") or ["ap-guangzhou"]),
            endpoint=endpoint,
        )
    return TencentConnection(
        secret_id=account.credentials["secret_id"],
        secret_key=account.credentials["secret_key"],
        regions=list(account.settings["regions"]),
        endpoint=account.settings.get("endpoint", ""),
    )
