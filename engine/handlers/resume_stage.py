"""ResumeStage: a paused stage runs again and resumes its paused tasks."""

from __future__ import annotations

from engine.handlers.lookup import find_stage
from engine.messages import ResumeStage, ResumeTask
from engine.runtime import Runtime
from engine.status import Status


def handle(message: ResumeStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status != Status.PAUSED:
        return
    stage.status = Status.RUNNING
    runtime.repository.store_stage(stage)
    runtime.publish_stage(stage)
    runtime.push_all(
        ResumeTask(stage.execution.id, stage.id, task.id)
        for task in stage.tasks
        if task.status == Status.PAUSED
    )
