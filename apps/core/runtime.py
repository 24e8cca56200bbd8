"""Starts what the embedded mode runs inside the server process (sandboxes, engine worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from apps.core.conf import platform_settings

logger = logging.getLogger(__name__)


@dataclass
class EmbeddedServices:
    """Handles of everything started in-process, stopped in reverse order."""

    lines: list[str] = field(default_factory=list)
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        while self.stoppers:
            stopper = self.stoppers.pop()
            try:
                stopper()
            except Exception:
                logger.exception("Stopping an embedded service failed")


def start_embedded_services(*, sandboxes: bool) -> EmbeddedServices:
    services = EmbeddedServices()
    if sandboxes:
        for starter in _sandbox_starters():
            starter(services)
    for starter in _worker_starters():
        starter(services)
    return services


def _start_sandbox_kubernetes(services: EmbeddedServices) -> None:
    import secrets

    from sandbox.kubernetes import SandboxCluster

    token = secrets.token_urlsafe(24)
    # Namespaces are created on first use: pipelines exported from another Spinnaker deploy
    # into their own namespaces and should run here unchanged.
    cluster = SandboxCluster(token=token, pod_ready_seconds=2.0, create_namespaces=True).start()
    services.stoppers.append(cluster.stop)
    platform_settings.set_runtime(
        SANDBOX_KUBERNETES_URL=cluster.url, SANDBOX_KUBERNETES_TOKEN=token
    )
    path = Path(settings.DATA_DIR) / "sandbox-kubeconfig"
    path.write_text(cluster.kubeconfig(token=token))
    path.chmod(0o600)
    services.lines.append(f"sandbox Kubernetes: {cluster.url} (kubectl --kubeconfig {path} ...)")


def _start_sandbox_tencentcloud(services: EmbeddedServices) -> None:
    from sandbox.tencentcloud import SandboxTencentCloud

    cloud = SandboxTencentCloud().start("127.0.0.1", 0)
    services.stoppers.append(cloud.stop)
    secret_id, secret_key = cloud.credentials
    platform_settings.set_runtime(
        SANDBOX_TENCENTCLOUD_ENDPOINT=cloud.url,
        SANDBOX_TENCENTCLOUD_SECRET_ID=secret_id,
        SANDBOX_TENCENTCLOUD_SECRET_KEY=secret_key,
    )
    services.lines.append(f"sandbox Tencent Cloud: {cloud.url} (SecretId {secret_id})")


def _sandbox_starters() -> list[Callable[[EmbeddedServices], None]]:
    return [_start_sandbox_kubernetes, _start_sandbox_tencentcloud]


_registered: list[Callable[[EmbeddedServices], None]] = []


def register_embedded_service(starter: Callable[[EmbeddedServices], None]) -> None:
    """Apps add what the server process must run beside daphne (the engine's local worker)."""
    if starter not in _registered:
        _registered.append(starter)


def _worker_starters() -> list[Callable[[EmbeddedServices], None]]:
    return list(_registered)
