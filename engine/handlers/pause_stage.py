"""PauseStage: a stage with a paused task is PAUSED, and so is the stage it is synthetic to."""

from __future__ import annotations

from engine.handlers.lookup import find_stage
from engine.messages import PauseStage
from engine.runtime import Runtime
from engine.status import Status


def handle(message: PauseStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status != Status.RUNNING:
        return
    if stage.execution.status != Status.PAUSED:
        return
    stage.status = Status.PAUSED
    runtime.repository.store_stage(stage)
    runtime.publish_stage(stage)
    if stage.parent_stage_id is not None:
        runtime.push(PauseStage(stage.execution.id, stage.parent_stage_id))
