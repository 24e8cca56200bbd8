"""`pipeline`: run another pipeline as a child, wait for it, and take over what it produced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine import graph
from engine.artifacts import execution_artifacts, visible_artifacts
from engine.authentication import authenticated_user
from engine.errors import ChildPipelineError, ExecutionNotFoundError
from engine.failure import exception_details
from engine.messages import CancelExecution, Message
from engine.model import Execution, Stage
from engine.ports import ExecutionRepository, PipelineLauncher
from engine.restart import SKIP_PIPELINE_RESTART_KEY
from engine.runtime import SYSTEM_USER
from engine.stages.bind_artifacts import TASK_NAME as BIND_TASK_NAME
from engine.stages.bind_artifacts import BindProducedArtifactsTask
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

TYPE = "pipeline"
CHILD_KEYS = ("executionId", "executionName")
POLL_MS = 15_000  # a safety net: a finishing child reschedules its parent at once
MONITOR_TIMEOUT_MS = 12 * 60 * 60 * 1000


def waits_for_completion(stage: Stage) -> bool:
    """`waitForCompletion` defaults to true; only false or "false" turns it off."""
    return str(stage.context.get("waitForCompletion", "true")).strip().lower() != "false"


class StartPipelineTask(BaseTask):
    """Starts the child through the `PipelineLauncher`; writes `executionId`/`executionName`."""

    external_effects = False  # reads and writes only through the engine

    def __init__(self, *, launcher: PipelineLauncher, repository: ExecutionRepository) -> None:
        self._launcher = launcher
        self._repository = repository

    def execute(self, stage: Stage) -> TaskResult:
        context = stage.context
        if context.get("executionId"):
            return TaskResult.succeeded()
        application = (
            context.get("pipelineApplication")
            or context.get("application")
            or stage.execution.application
        )
        pipeline_id = context.get("pipeline")
        if not isinstance(pipeline_id, str) or not pipeline_id:
            return TaskResult.terminal("the pipeline stage needs `pipeline`, a pipeline config id")
        parameters = context.get("pipelineParameters") or {}
        if not isinstance(parameters, Mapping):
            return TaskResult.terminal("pipelineParameters must be an object")
        try:
            child_id = self._launcher.start_child(
                parent=stage.execution,
                parent_stage=stage,
                application=str(application),
                pipeline_id=pipeline_id,
                parameters=dict(parameters),
                artifacts=visible_artifacts(stage),
                user=authenticated_user(stage)["user"],
            )
        except ChildPipelineError as error:
            return TaskResult.terminal(str(error))
        return TaskResult.succeeded(
            {"executionId": child_id, "executionName": self._name(child_id, pipeline_id)}
        )

    def _name(self, child_id: str, fallback: str) -> str:
        try:
            return self._repository.retrieve(child_id).name or fallback
        except ExecutionNotFoundError:
            return fallback


class MonitorPipelineTask(BaseTask):
    """Polls the child (Orca's MonitorPipelineTask for one child).

    SUCCEEDED -> SUCCEEDED with the child's outputs; CANCELED -> CANCELED; TERMINAL or STOPPED
    -> TERMINAL with the errors of the child's failed stages; anything else keeps polling.
    """

    external_effects = False  # reads and writes only through the engine

    retryable = True
    timeout_overridable = True

    def __init__(self, *, repository: ExecutionRepository) -> None:
        self._repository = repository

    def execute(self, stage: Stage) -> TaskResult:
        child_id = stage.context.get("executionId")
        if not child_id:
            return TaskResult.terminal("no child pipeline execution to monitor")
        try:
            child = self._repository.retrieve(str(child_id))
        except ExecutionNotFoundError:
            return TaskResult.terminal(f"the child pipeline execution {child_id} does not exist")
        status = child.status
        context: dict[str, Any] = {"status": status.value}
        if not status.is_complete:
            return TaskResult(Status.RUNNING, context)
        skip_outputs = str(stage.context.get("skipDownstreamOutput", "false")).lower() == "true"
        outputs = {} if skip_outputs else child_outputs(child)
        if status == Status.CANCELED:
            context["exception"] = exception_details("The child pipeline was canceled")
            return TaskResult(Status.CANCELED, context, outputs)
        if status.is_halt:
            context["exception"] = child_failure(child)
            return TaskResult(Status.TERMINAL, context, outputs)
        result = Status.FAILED_CONTINUE if status == Status.FAILED_CONTINUE else Status.SUCCEEDED
        return TaskResult(result, context, outputs)

    def backoff_ms(self, stage: Stage) -> int:
        return POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return MONITOR_TIMEOUT_MS


def child_outputs(child: Execution) -> dict[str, Any]:
    """The child's stage outputs merged in run order (later wins), all its emitted artifacts."""
    merged: dict[str, Any] = {}
    try:
        order = graph.topological_order(graph.requisite_edges(_top_level(child)))
    except ValueError:
        order = [stage.ref_id for stage in _top_level(child)]
    for ref in order:
        top = child.stage_by_ref(ref)
        if top is None:
            continue
        for stage in (top, *graph.all_synthetic_stages(top)):
            merged.update(stage.outputs)
    emitted = execution_artifacts(child, include=lambda stage: True)
    from_trigger = child.trigger.get("artifacts") or []
    merged["artifacts"] = [artifact for artifact in emitted if artifact not in from_trigger]
    if not merged["artifacts"]:
        del merged["artifacts"]
    return merged


def _top_level(execution: Execution) -> list[Stage]:
    return [stage for stage in execution.stages if stage.parent_stage_id is None]


def child_failure(child: Execution) -> dict[str, Any]:
    """`context.exception` naming the child's failed stages (Orca's ChildPipelineException)."""
    failed = [stage for stage in child.stages if stage.status == Status.TERMINAL]
    errors: list[str] = []
    for stage in failed:
        details = (stage.context.get("exception") or {}).get("details") or {}
        messages = details.get("errors") or ([details["error"]] if details.get("error") else [])
        label = f"{child.name or child.id}: {stage.name or stage.type}"
        errors += [
            f"Exception in child pipeline stage ({label}): {message}" for message in messages
        ]
    if not errors:
        errors = [f"The child pipeline {child.name or child.id} ended {child.status.value}"]
    record = exception_details(errors[0], errors=errors)
    if failed:
        record["source"] = {
            "executionId": child.id,
            "stageId": failed[0].id,
            "stageName": failed[0].name,
            "stageIndex": child.stages.index(failed[0]),
        }
    return record


class PipelineStage(BaseStageBuilder):
    """startPipeline (unless a child is already linked) -> monitorPipeline -> bind artifacts."""

    type = TYPE

    def __init__(self, *, launcher: PipelineLauncher, repository: ExecutionRepository) -> None:
        self.start = StartPipelineTask(launcher=launcher, repository=repository)
        self.monitor = MonitorPipelineTask(repository=repository)
        self.bind = BindProducedArtifactsTask()
        self.tasks = (self.start, self.monitor, self.bind)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        definitions: list[TaskDefinition] = []
        if not stage.context.get("executionId"):
            definitions.append(TaskDefinition("startPipeline", self.start))
        if waits_for_completion(stage):
            definitions.append(TaskDefinition("monitorPipeline", self.monitor))
        if "expectedArtifacts" in stage.context:
            definitions.append(TaskDefinition(BIND_TASK_NAME, self.bind))
        return definitions

    def prepare_for_restart(self, stage: Stage) -> None:
        """A restart starts a new child, unless the child's own restart is resuming this stage."""
        stage.context.pop("status", None)
        if stage.context.pop(SKIP_PIPELINE_RESTART_KEY, False) is not True:
            for key in CHILD_KEYS:
                stage.context.pop(key, None)

    def cancel(self, stage: Stage) -> Sequence[Message]:
        """Cancel a child that is still going (the message leaves after this unit commits)."""
        child_id = stage.context.get("executionId")
        known = stage.context.get("status")
        if not child_id or (
            isinstance(known, str) and known in Status.__members__ and Status(known).is_complete
        ):
            return ()
        parent = stage.execution
        reason = f"parent pipeline {parent.name or parent.id} ({stage.name} {stage.status.value})"
        return (
            CancelExecution(str(child_id), user=parent.canceled_by or SYSTEM_USER, reason=reason),
        )

    def can_manually_skip(self, stage: Stage) -> bool:
        return stage.context.get("skippable") is True
