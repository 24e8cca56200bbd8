"""ResumeExecution: the run is RUNNING again and every paused stage resumes."""

from __future__ import annotations

from engine.events import ExecutionStatusChanged
from engine.handlers.lookup import find_execution
from engine.messages import ResumeExecution, ResumeStage
from engine.runtime import Runtime
from engine.status import Status


def handle(message: ResumeExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None or execution.status != Status.PAUSED:
        return
    execution.mark_resumed(user=message.user, now=runtime.now())
    runtime.repository.update_execution(execution)
    runtime.publish(ExecutionStatusChanged(execution.id, execution.application, Status.RUNNING))
    runtime.push_all(
        ResumeStage(execution.id, stage.id)
        for stage in execution.stages
        if stage.status == Status.PAUSED
    )
