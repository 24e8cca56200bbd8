"""CompleteStage: settle the stage's status (after- or failure-stages first), then move on."""

from __future__ import annotations

from engine import graph
from engine.errors import UnknownStageTypeError
from engine.failure import exception_details
from engine.handlers.lookup import find_stage
from engine.messages import (
    CancelStage,
    CompleteExecution,
    CompleteStage,
    Message,
    StartStage,
)
from engine.model import Stage
from engine.planning import plan_after_stages, plan_on_failure_stages
from engine.progression import next_messages
from engine.runtime import Runtime
from engine.stage_expressions import include_expression_summary, should_fail_on_failed_expressions
from engine.stage_status import determine_stage_status
from engine.stages.builder import StageDefinitionBuilder
from engine.status import Status

ALLOW_SIBLINGS_KEY = "allowSiblingStagesToContinueOnFailure"


def handle(message: CompleteStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status not in (Status.RUNNING, Status.NOT_STARTED):
        return
    if _still_working(stage):
        return  # early or duplicate: what is still running reports back when it ends
    status = determine_stage_status(stage)
    if should_fail_on_failed_expressions(stage):
        status = Status.TERMINAL
    try:
        if _started_synthetic_stages(stage, status, runtime):
            return
    except Exception as error:
        stage.context["exception"] = exception_details(
            f"Failed to plan synthetic stages of {stage.name}: {error}",
            exception_type=type(error).__name__,
            now=runtime.now(),
        )
        status = Status.TERMINAL
    if status == Status.NOT_STARTED:
        status = Status.SKIPPED  # nothing to run at all
    stage.status = status
    stage.end_time = runtime.now()
    include_expression_summary(stage, now=stage.end_time)
    runtime.repository.store_stage(stage)
    runtime.publish_stage(stage)
    runtime.push_all(_afterwards(stage))


def _still_working(stage: Stage) -> bool:
    return any(task.status.is_active for task in stage.tasks) or any(
        child.status.is_active for child in graph.synthetic_stages(stage)
    )


def _started_synthetic_stages(stage: Stage, status: Status, runtime: Runtime) -> bool:
    """Plan and start after-stages (on success) or failure stages; True if any were started."""
    builder = _builder(stage, runtime)
    execution_id = stage.execution.id
    if status in (Status.RUNNING, Status.NOT_STARTED) or (
        status.is_complete and not status.is_halt
    ):
        first = graph.first_after_stages(stage)
        if not first and builder is not None:
            for child in plan_after_stages(stage, builder, new_id=runtime.new_id):
                runtime.repository.add_stage(child)
            first = graph.first_after_stages(stage)
        waiting = [child for child in first if child.status == Status.NOT_STARTED]
        runtime.push_all(StartStage(execution_id, child.id) for child in waiting)
        return bool(waiting)
    if status.is_failure and builder is not None:
        added, removed = plan_on_failure_stages(stage, builder, new_id=runtime.new_id)
        for child in removed:
            runtime.repository.remove_stage(stage.execution, child.id)
        for child in added:
            runtime.repository.add_stage(child)
        if added:
            runtime.push(StartStage(execution_id, added[0].id))
            return True
    return False


def _afterwards(stage: Stage) -> list[Message]:
    execution_id = stage.execution.id
    parent_id = stage.parent_stage_id
    if (
        stage.status == Status.FAILED_CONTINUE
        and parent_id is not None
        and stage.context.get(ALLOW_SIBLINGS_KEY) is not True
    ):
        # The parent takes FAILED_CONTINUE too, and its remaining synthetic stages do not run.
        return [CompleteStage(execution_id, parent_id)]
    if stage.status.unblocks_downstream:
        return next_messages(stage)
    follow_up: Message = (
        CompleteExecution(execution_id)
        if parent_id is None
        else CompleteStage(execution_id, parent_id)
    )
    return [CancelStage(execution_id, stage.id), follow_up]


def _builder(stage: Stage, runtime: Runtime) -> StageDefinitionBuilder | None:
    try:
        return runtime.registry.builder(stage.type)
    except UnknownStageTypeError:
        return None
