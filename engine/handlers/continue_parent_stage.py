"""ContinueParentStage: a parent resumes once its before- or after-stages are done."""

from __future__ import annotations

from engine import graph
from engine.handlers.lookup import find_stage
from engine.messages import CompleteStage, ContinueParentStage, StartTask
from engine.model import SyntheticStageOwner
from engine.runtime import Runtime
from engine.status import Status


def handle(message: ContinueParentStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status != Status.RUNNING:
        return
    execution_id = stage.execution.id
    if message.phase == SyntheticStageOwner.STAGE_BEFORE:
        # A failed before-stage reports through CompleteStage; one still running calls again.
        if not all(child.status.unblocks_downstream for child in graph.before_stages(stage)):
            return
        if not stage.tasks:
            runtime.push(CompleteStage(execution_id, stage.id))
        elif stage.tasks[0].status == Status.NOT_STARTED:
            runtime.push(StartTask(execution_id, stage.id, stage.tasks[0].id))
    elif all(child.status.is_complete for child in graph.after_stages(stage)):
        runtime.push(CompleteStage(execution_id, stage.id))
