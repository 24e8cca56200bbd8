"""StartTask: mark the task RUNNING and run it."""

from __future__ import annotations

from engine.handlers.lookup import find_task
from engine.messages import StartTask
from engine.rescheduling import next_run
from engine.runtime import Runtime
from engine.status import Status


def handle(message: StartTask, runtime: Runtime) -> None:
    found = find_task(message, runtime)
    if found is None:
        return
    stage, task = found
    if task.status != Status.NOT_STARTED:
        return
    task.status = Status.RUNNING
    task.start_time = runtime.now()
    run = next_run(stage, task)
    runtime.repository.store_stage(stage)
    runtime.publish_task(stage, task)
    runtime.push(run)
