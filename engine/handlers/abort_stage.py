"""AbortStage: force a running or unstarted stage to TERMINAL and let the failure propagate."""

from __future__ import annotations

from engine.handlers.lookup import find_stage
from engine.messages import AbortStage, CancelStage, CompleteExecution, CompleteStage
from engine.runtime import Runtime
from engine.status import Status


def handle(message: AbortStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status not in (Status.RUNNING, Status.NOT_STARTED):
        return
    stage.status = Status.TERMINAL
    stage.end_time = runtime.now()
    runtime.repository.store_stage(stage)
    runtime.publish_stage(stage)
    execution_id = stage.execution.id
    runtime.push(CancelStage(execution_id, stage.id))
    if stage.parent_stage_id is None:
        runtime.push(CompleteExecution(execution_id))
    else:
        runtime.push(CompleteStage(execution_id, stage.parent_stage_id))
