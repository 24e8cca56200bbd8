"""CancelExecution: flag the run canceled and wake its tasks so each sees the flag and stops."""

from __future__ import annotations

from engine.events import ExecutionComplete
from engine.handlers.lookup import find_execution
from engine.messages import CancelExecution, RescheduleExecution, ResumeStage
from engine.runtime import Runtime
from engine.status import Status


def handle(message: CancelExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None or execution.status.is_complete:
        return
    now = runtime.now()
    execution.mark_canceled(user=message.user, reason=message.reason, now=now)
    if execution.status == Status.PAUSED:
        # Paused tasks never poll; resume them so their RunTask sees the cancel.
        execution.mark_resumed(user=message.user, now=now)
    runtime.repository.update_execution(execution)
    if execution.status == Status.CANCELED:
        # It never started (possibly parked by the concurrency limits): nothing else to stop.
        runtime.gate.withdraw(execution.id)
        runtime.publish(
            ExecutionComplete(
                execution.id,
                execution.application,
                execution.status,
                execution.pipeline_config_id,
            )
        )
        return
    runtime.push_all(
        ResumeStage(execution.id, stage.id)
        for stage in execution.stages
        if stage.status == Status.PAUSED
    )
    runtime.push(RescheduleExecution(execution.id))
