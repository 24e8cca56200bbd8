"""One module per message type; `HANDLERS` maps each message class to its handler function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import messages
from engine.handlers import (
    abort_stage,
    cancel_execution,
    cancel_stage,
    complete_execution,
    complete_stage,
    complete_task,
    continue_parent_stage,
    pause_execution,
    pause_stage,
    pause_task,
    reschedule_execution,
    restart_stage,
    resume_execution,
    resume_stage,
    resume_task,
    run_task,
    skip_stage,
    start_execution,
    start_stage,
    start_task,
    start_waiting_executions,
)
from engine.runtime import Runtime

Handler = Callable[[Any, Runtime], None]

HANDLERS: dict[type[messages.Message], Handler] = {
    messages.StartExecution: start_execution.handle,
    messages.StartStage: start_stage.handle,
    messages.StartTask: start_task.handle,
    messages.RunTask: run_task.handle,
    messages.CompleteTask: complete_task.handle,
    messages.CompleteStage: complete_stage.handle,
    messages.CompleteExecution: complete_execution.handle,
    messages.ContinueParentStage: continue_parent_stage.handle,
    messages.SkipStage: skip_stage.handle,
    messages.AbortStage: abort_stage.handle,
    messages.CancelExecution: cancel_execution.handle,
    messages.CancelStage: cancel_stage.handle,
    messages.PauseExecution: pause_execution.handle,
    messages.PauseStage: pause_stage.handle,
    messages.PauseTask: pause_task.handle,
    messages.ResumeExecution: resume_execution.handle,
    messages.ResumeStage: resume_stage.handle,
    messages.ResumeTask: resume_task.handle,
    messages.RestartStage: restart_stage.handle,
    messages.RescheduleExecution: reschedule_execution.handle,
    messages.StartWaitingExecutions: start_waiting_executions.handle,
}
