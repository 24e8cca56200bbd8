"""StartStage: once every upstream stage let it through, evaluate, plan and kick off the stage."""

from __future__ import annotations

from engine import graph
from engine.failure import exception_details, is_manually_skipped
from engine.handlers.lookup import find_stage
from engine.messages import CompleteExecution, CompleteStage, SkipStage, StartStage
from engine.model import Stage
from engine.planning import plan_stage
from engine.progression import start_messages
from engine.runtime import Runtime
from engine.stage_expressions import is_stage_enabled, process_stage_context
from engine.stage_status import PLANNING_FAILED_KEY
from engine.status import Status


def handle(message: StartStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.execution.status.is_complete:
        return
    if graph.any_upstream_halted(stage):
        # Only after a restart: something this stage needs failed, so settle the execution.
        runtime.push(CompleteExecution(stage.execution.id))
        return
    if not graph.all_upstream_complete(stage) or stage.status != Status.NOT_STARTED:
        # A join hears from each branch; the last to finish finds it ready. Duplicates stop here.
        return
    if _should_skip(stage, runtime):
        runtime.repository.store_stage(stage)
        runtime.push(SkipStage(stage.execution.id, stage.id))
        return
    created = _plan(stage, runtime)
    stage.status = Status.RUNNING
    stage.start_time = runtime.now()
    runtime.repository.store_stage(stage)
    for child in created:
        runtime.repository.add_stage(child)
    runtime.publish_stage(stage)
    if stage.context.get(PLANNING_FAILED_KEY) is True:
        runtime.push(CompleteStage(stage.execution.id, stage.id))
    else:
        runtime.push_all(start_messages(stage))


def _should_skip(stage: Stage, runtime: Runtime) -> bool:
    expiry = stage.start_time_expiry
    return (
        is_manually_skipped(stage)
        or (expiry is not None and runtime.now() > expiry)
        or not is_stage_enabled(stage, runtime.expressions)
    )


def _plan(stage: Stage, runtime: Runtime) -> list[Stage]:
    """Evaluate the context, build tasks and before-stages; a failure is recorded on the stage."""
    try:
        builder = runtime.registry.builder(stage.type)
        process_stage_context(
            stage, runtime.expressions, skip_keys=builder.expression_skip_keys(stage)
        )
        return plan_stage(stage, builder, new_id=runtime.new_id)
    except Exception as error:
        stage.tasks = []
        stage.context["exception"] = exception_details(
            f"Failed to plan stage {stage.name}: {error}",
            exception_type=type(error).__name__,
            now=runtime.now(),
        )
        stage.context[PLANNING_FAILED_KEY] = True
        return []
