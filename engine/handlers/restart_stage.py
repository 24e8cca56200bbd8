"""RestartStage: reset a finished top-level stage and everything downstream of it, and run again."""

from __future__ import annotations

from engine import graph
from engine.concurrency import is_limited
from engine.errors import UnknownStageTypeError
from engine.events import ExecutionQueued, ExecutionStatusChanged
from engine.handlers.lookup import find_stage
from engine.messages import RestartStage, StartStage
from engine.model import Stage
from engine.restart import SKIP_PIPELINE_RESTART_KEY, reset_stage, restart_details
from engine.runtime import Runtime
from engine.stages.builder import StageDefinitionBuilder
from engine.status import Status


def handle(message: RestartStage, runtime: Runtime) -> None:
    found = find_stage(message, runtime)
    if found is None:
        return
    execution = found.execution
    stage = graph.top_level_stage(found)
    restartable = stage.status.is_complete or stage.status == Status.NOT_STARTED
    if not restartable or execution.start_time is None:
        return
    if message.restarted_child_id is not None and not _resumes_for_child(found, message):
        return
    parked = (
        not execution.status.is_active
        and is_limited(execution)
        and not runtime.gate.admit_or_park(execution, message)
    )
    if parked:
        if execution.status != Status.NOT_STARTED:
            execution.status = Status.NOT_STARTED
            runtime.repository.update_execution(execution)
        runtime.publish(
            ExecutionQueued(execution.id, execution.application, execution.pipeline_config_id)
        )
        return
    details = restart_details(stage, user=message.user, now=runtime.now())
    reset = [stage, *(each for each in graph.downstream_closure(stage) if each.status.is_complete)]
    for each in reset:
        for child in reset_stage(each, _builder(each, runtime)):
            runtime.repository.remove_stage(execution, child.id)
    stage.context["restartDetails"] = details
    for each in reset:
        runtime.repository.store_stage(each)
        runtime.publish_stage(each)
    if not execution.status.is_active:
        execution.status = Status.RUNNING
        execution.end_time = None
        execution.canceled = False
        execution.canceled_by = None
        execution.cancellation_reason = None
        runtime.repository.update_execution(execution)
        runtime.publish(ExecutionStatusChanged(execution.id, execution.application, Status.RUNNING))
    runtime.push(StartStage(execution.id, stage.id))
    if execution.parent_execution_id is not None and execution.parent_stage_id is not None:
        # Orca: a restarted child resumes its parent's pipeline stage, which keeps watching it.
        runtime.push(
            RestartStage(
                execution.parent_execution_id,
                execution.parent_stage_id,
                user=message.user,
                restarted_child_id=execution.id,
            )
        )


def _resumes_for_child(stage: Stage, message: RestartStage) -> bool:
    """Only a finished (or parked) parent whose stage still names that child is resumed."""
    if stage.execution.status.is_active:
        return False
    if stage.context.get("executionId") != message.restarted_child_id:
        return False
    stage.context[SKIP_PIPELINE_RESTART_KEY] = True
    return True


def _builder(stage: Stage, runtime: Runtime) -> StageDefinitionBuilder | None:
    try:
        return runtime.registry.builder(stage.type)
    except UnknownStageTypeError:
        return None
