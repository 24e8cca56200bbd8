"""Tencent Cloud stage types for the engine (Django-free: accounts arrive through `connections`)."""

from __future__ import annotations

from apps.tencentcloud.stages.cloud_task import DEFAULT_POLL_MS, Environment
from apps.tencentcloud.stages.cluster import ClusterStage
from apps.tencentcloud.stages.deploy import DeployStage, ServerGroupDeployStage
from apps.tencentcloud.stages.rolling_update import (
    ResumeInstanceRefreshStage,
    RollbackInstanceRefreshStage,
    RollingUpdateStage,
)
from apps.tencentcloud.stages.sdk import Connection, ConnectionResolver
from apps.tencentcloud.stages.server_group import (
    DestroyServerGroupStage,
    DisableServerGroupStage,
    EnableServerGroupStage,
    ResizeServerGroupStage,
)
from engine.ports import Clock
from engine.stages.registry import StageTypeRegistry

STAGE_TYPES = (
    "deploy",
    "createServerGroup",
    "cloneServerGroup",
    "resizeServerGroup",
    "enableServerGroup",
    "disableServerGroup",
    "destroyServerGroup",
    "disableCluster",
    "scaleDownCluster",
    "shrinkCluster",
    "rollbackCluster",
    "rollingUpdate",
    "resumeInstanceRefresh",
    "rollbackInstanceRefresh",
)


def register(
    registry: StageTypeRegistry,
    *,
    connections: ConnectionResolver,
    clock: Clock,
    poll_ms: int = DEFAULT_POLL_MS,
) -> None:
    """Add every Tencent Cloud stage type to `registry`.

    `connections(execution, account_name)` returns the account's connection (keys, regions,
    endpoint); it raises when the execution's team has no such Tencent Cloud account."""
    env = Environment(connections=connections, clock=clock, poll_ms=poll_ms)
    registry.register(DeployStage())
    registry.register(ServerGroupDeployStage(env, "createServerGroup"))
    registry.register(ServerGroupDeployStage(env, "cloneServerGroup"))
    registry.register(ResizeServerGroupStage(env))
    registry.register(EnableServerGroupStage(env))
    registry.register(DisableServerGroupStage(env))
    registry.register(DestroyServerGroupStage(env))
    for cluster_type in ("disableCluster", "scaleDownCluster", "shrinkCluster", "rollbackCluster"):
        registry.register(ClusterStage(env, cluster_type))
    registry.register(RollingUpdateStage(env))
    registry.register(ResumeInstanceRefreshStage(env))
    registry.register(RollbackInstanceRefreshStage(env))


__all__ = ["STAGE_TYPES", "Connection", "ConnectionResolver", "register"]
