"""Which messages move a run forward after a stage starts or finishes (pure, no I/O)."""

from __future__ import annotations

from engine import graph
from engine.messages import (
    CompleteExecution,
    CompleteStage,
    ContinueParentStage,
    Message,
    StartStage,
    StartTask,
)
from engine.model import Stage


def start_messages(stage: Stage) -> list[Message]:
    """After planning: the first before-stages, else the first task, else complete the stage."""
    execution_id = stage.execution.id
    before = graph.first_before_stages(stage)
    if before:
        return [StartStage(execution_id, child.id) for child in before]
    if stage.tasks:
        return [StartTask(execution_id, stage.id, stage.tasks[0].id)]
    # CompleteStage plans after-stages, or settles a stage with nothing to do as SKIPPED.
    return [CompleteStage(execution_id, stage.id)]


def next_messages(stage: Stage) -> list[Message]:
    """After a stage let its branch continue: start what requires it, else report upwards."""
    execution_id = stage.execution.id
    dependents = graph.downstream(stage)
    if dependents:
        return [StartStage(execution_id, dependent.id) for dependent in dependents]
    if stage.parent_stage_id is not None and stage.synthetic_stage_owner is not None:
        return [
            ContinueParentStage(execution_id, stage.parent_stage_id, stage.synthetic_stage_owner)
        ]
    return [CompleteExecution(execution_id)]
