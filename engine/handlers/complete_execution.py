"""CompleteExecution: settle the final status once no branch can still run, then free the slot."""

from __future__ import annotations

from engine.concurrency import is_limited
from engine.events import ExecutionComplete
from engine.final_status import determine_final_status
from engine.handlers.lookup import find_execution
from engine.messages import (
    CancelStage,
    CompleteExecution,
    RescheduleExecution,
    StartWaitingExecutions,
)
from engine.runtime import Runtime
from engine.status import Status


def handle(message: CompleteExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None or execution.status.is_complete:
        return
    status = determine_final_status(execution)
    if status is None:
        # Another branch is still going; it pushes CompleteExecution again when it ends.
        return
    execution.status = status
    execution.end_time = runtime.now()
    runtime.repository.update_execution(execution)
    runtime.publish(
        ExecutionComplete(execution.id, execution.application, status, execution.pipeline_config_id)
    )
    if status != Status.SUCCEEDED:
        runtime.push_all(
            CancelStage(execution.id, stage.id)
            for stage in execution.stages
            if stage.parent_stage_id is None and stage.status.is_active
        )
    if execution.parent_execution_id is not None and execution.parent_stage_id is not None:
        # The parent's monitorPipeline task polls now instead of after its backoff.
        runtime.push(RescheduleExecution(execution.parent_execution_id))
    if execution.pipeline_config_id is not None and is_limited(execution):
        runtime.push(
            StartWaitingExecutions(
                execution.pipeline_config_id, purge_queue=not execution.keep_waiting_pipelines
            )
        )
