"""`findArtifactFromExecution`: bind expected artifacts to those of another pipeline's run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.artifacts import (
    ArtifactResolutionError,
    execution_artifacts,
    expected_artifacts,
    resolve_expected_artifacts,
)
from engine.model import Stage
from engine.ports import ExecutionRepository
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

TYPE = "findArtifactFromExecution"
# executionOptions flag -> the run statuses it admits (Orca's ExecutionOptions.toCriteria).
_OPTION_STATUSES = {
    "successful": (Status.SUCCEEDED,),
    "terminal": (Status.TERMINAL,),
    "running": (Status.RUNNING,),
}


def execution_statuses(options: Any) -> set[Status] | None:
    """The statuses `executionOptions` admits; None (any run) when no option is set."""
    if not isinstance(options, Mapping):
        return None
    chosen = {
        status
        for key, statuses in _OPTION_STATUSES.items()
        if options.get(key) is True or str(options.get(key)).lower() == "true"
        for status in statuses
    }
    return chosen or None


class FindArtifactFromExecutionTask(BaseTask):
    """The newest run of `pipeline` in an admitted status; its emitted and trigger artifacts.

    Only runs of the same team are considered (pipeline config ids are global), so another
    team's artifacts look exactly like a pipeline that has no matching run.
    """

    external_effects = False  # reads and writes only through the engine

    def __init__(self, *, repository: ExecutionRepository) -> None:
        self._repository = repository

    def execute(self, stage: Stage) -> TaskResult:
        context = stage.context
        pipeline = context.get("pipeline")
        if not isinstance(pipeline, str) or not pipeline:
            return TaskResult.terminal("findArtifactFromExecution needs a pipeline (config id)")
        expected = expected_artifacts(context)
        statuses = execution_statuses(context.get("executionOptions"))
        latest = self._repository.retrieve_latest_for_pipeline(pipeline, statuses=statuses)
        candidates: Sequence[dict[str, Any]] = ()
        source = f"no run of pipeline {pipeline} matches the execution options"
        if latest is not None and latest.team == stage.execution.team:
            source = f"searched run {latest.id} of pipeline {pipeline}"
            same_pipeline = stage.execution.pipeline_config_id == pipeline
            # Never bind what this very stage found in an earlier run of the same pipeline.
            candidates = execution_artifacts(
                latest, include=lambda each: not (same_pipeline and each.ref_id == stage.ref_id)
            )
        try:
            resolved, artifacts = resolve_expected_artifacts(expected, candidates)
        except ArtifactResolutionError as error:
            return TaskResult.terminal(f"{error} ({source})")
        found = {"artifacts": artifacts, "resolvedExpectedArtifacts": resolved}
        return TaskResult.succeeded(context=found, outputs=found)


class FindArtifactFromExecutionStage(BaseStageBuilder):
    type = TYPE

    def __init__(self, *, repository: ExecutionRepository) -> None:
        self.task = FindArtifactFromExecutionTask(repository=repository)
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("findArtifactFromExecution", self.task),)
