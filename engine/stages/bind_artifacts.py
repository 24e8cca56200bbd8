"""`bindProducedArtifacts`: bind a stage's `expectedArtifacts` to what it (or upstream) produced."""

from __future__ import annotations

from engine.artifacts import (
    ArtifactResolutionError,
    expected_artifacts,
    resolve_expected_artifacts,
    visible_artifacts,
)
from engine.model import Stage
from engine.tasks import BaseTask, TaskResult

TASK_NAME = "bindProducedArtifacts"


class BindProducedArtifactsTask(BaseTask):
    """Outputs `artifacts` and `resolvedExpectedArtifacts`; an unbound one fails the stage."""

    external_effects = False  # reads and writes only through the engine

    def execute(self, stage: Stage) -> TaskResult:
        expected = expected_artifacts(stage.context)
        if not expected:
            return TaskResult.succeeded()
        try:
            resolved, artifacts = resolve_expected_artifacts(expected, visible_artifacts(stage))
        except ArtifactResolutionError as error:
            return TaskResult.terminal(str(error))
        return TaskResult.succeeded(
            outputs={"artifacts": artifacts, "resolvedExpectedArtifacts": resolved}
        )
