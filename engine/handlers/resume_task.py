"""ResumeTask: a paused task runs again."""

from __future__ import annotations

from engine.handlers.lookup import find_task
from engine.messages import ResumeTask
from engine.rescheduling import next_run
from engine.runtime import Runtime
from engine.status import Status


def handle(message: ResumeTask, runtime: Runtime) -> None:
    found = find_task(message, runtime)
    if found is None:
        return
    stage, task = found
    if task.status != Status.PAUSED:
        return
    task.status = Status.RUNNING
    run = next_run(stage, task)
    runtime.repository.store_stage(stage)
    runtime.publish_task(stage, task)
    runtime.push(run)
