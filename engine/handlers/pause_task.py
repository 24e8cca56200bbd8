"""PauseTask: a task polled while its run was paused stops polling and pauses its stage."""

from __future__ import annotations

from engine.handlers.lookup import find_task
from engine.messages import PauseStage, PauseTask
from engine.rescheduling import next_run
from engine.runtime import Runtime
from engine.status import Status


def handle(message: PauseTask, runtime: Runtime) -> None:
    found = find_task(message, runtime)
    if found is None:
        return
    stage, task = found
    if task.status != Status.RUNNING:
        return
    if stage.execution.status != Status.PAUSED:
        # Resumed before this arrived: keep the task polling instead of stranding it.
        run = next_run(stage, task)
        runtime.repository.store_stage(stage)
        runtime.push(run)
        return
    task.status = Status.PAUSED
    runtime.repository.store_stage(stage)
    runtime.publish_task(stage, task)
    runtime.push(PauseStage(stage.execution.id, stage.id))
