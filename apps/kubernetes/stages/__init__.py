"""The Kubernetes manifest stage types, Django-free: accounts arrive through `connections`."""

from __future__ import annotations

from apps.kubernetes.stages.bake import BakeManifestStage
from apps.kubernetes.stages.deploy import DeployManifestStage
from apps.kubernetes.stages.environment import Connections, Environment
from apps.kubernetes.stages.find_artifacts import FindArtifactFromResourceStage
from apps.kubernetes.stages.operations import (
    DeleteManifestStage,
    DisableManifestStage,
    EnableManifestStage,
    PatchManifestStage,
    ScaleManifestStage,
    UndoRolloutManifestStage,
)
from apps.kubernetes.stages.run_job import RunJobManifestStage
from engine.expression_adapter import PipelineExpressions
from engine.ports import Clock, ExpressionProcessor
from engine.stages.registry import StageTypeRegistry

STAGE_TYPES = (
    "deployManifest",
    "deleteManifest",
    "scaleManifest",
    "patchManifest",
    "undoRolloutManifest",
    "enableManifest",
    "disableManifest",
    "runJobManifest",
    "findArtifactFromResource",
    "bakeManifest",
)


def register(
    registry: StageTypeRegistry,
    *,
    connections: Connections,
    clock: Clock,
    expressions: ExpressionProcessor | None = None,
) -> None:
    """Register every Kubernetes stage type (aliases: `runJob`, `findArtifactsFromResource`).

    `connections(execution, account_name)` returns the account's KubernetesConnection (the
    platform resolves it from the execution's team); `expressions` evaluates `${...}` inside
    manifests read from artifacts (default: the engine's PipelineExpressions on `clock`).
    """
    environment = Environment(
        connections=connections,
        clock=clock,
        expressions=expressions or PipelineExpressions(clock=clock),
    )
    registry.register(DeployManifestStage(environment))
    registry.register(DeleteManifestStage(environment))
    registry.register(ScaleManifestStage(environment))
    registry.register(PatchManifestStage(environment))
    registry.register(UndoRolloutManifestStage(environment))
    registry.register(EnableManifestStage(environment))
    registry.register(DisableManifestStage(environment))
    registry.register(RunJobManifestStage(environment), aliases=("runJob",))
    registry.register(
        FindArtifactFromResourceStage(environment), aliases=("findArtifactsFromResource",)
    )
    registry.register(BakeManifestStage(environment))


__all__ = ["STAGE_TYPES", "register"]
