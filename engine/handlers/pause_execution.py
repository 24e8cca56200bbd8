"""PauseExecution: mark the run PAUSED; its running tasks pause at their next (immediate) poll."""

from __future__ import annotations

from engine.events import ExecutionStatusChanged
from engine.handlers.lookup import find_execution
from engine.messages import PauseExecution
from engine.rescheduling import reschedule_running_tasks
from engine.runtime import Runtime
from engine.status import Status


def handle(message: PauseExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None or execution.status != Status.RUNNING:
        return
    execution.mark_paused(user=message.user, now=runtime.now())
    runtime.repository.update_execution(execution)
    runtime.publish(ExecutionStatusChanged(execution.id, execution.application, Status.PAUSED))
    for stage in execution.stages:
        runs = reschedule_running_tasks(stage)
        if runs:
            runtime.repository.store_stage(stage)
            runtime.push_all(run for _, run in runs)
