"""RescheduleExecution: every running task polls now rather than after its backoff."""

from __future__ import annotations

from engine.handlers.lookup import find_execution
from engine.messages import RescheduleExecution
from engine.rescheduling import reschedule_running_tasks
from engine.runtime import Runtime


def handle(message: RescheduleExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None:
        return
    for stage in execution.stages:
        runs = reschedule_running_tasks(stage)
        if runs:
            runtime.repository.store_stage(stage)
            runtime.push_all(run for _, run in runs)
