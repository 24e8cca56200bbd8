"""Loading what a message names; a missing execution, stage or task drops it with an event."""

from __future__ import annotations

from engine.errors import ExecutionNotFoundError
from engine.events import InvalidExecutionId, InvalidStageId, InvalidTaskId
from engine.messages import ExecutionMessage, StageMessage, TaskMessage
from engine.model import Execution, Stage
from engine.model import Task as TaskRecord
from engine.runtime import Runtime


def find_execution(message: ExecutionMessage, runtime: Runtime) -> Execution | None:
    try:
        return runtime.repository.retrieve(message.execution_id)
    except ExecutionNotFoundError:
        runtime.publish(InvalidExecutionId(message, f"no execution {message.execution_id}"))
        return None


def find_stage(message: StageMessage, runtime: Runtime) -> Stage | None:
    execution = find_execution(message, runtime)
    if execution is None:
        return None
    stage = execution.stage(message.stage_id)
    if stage is None:
        runtime.publish(InvalidStageId(message, f"no stage {message.stage_id}"))
    return stage


def find_task(message: TaskMessage, runtime: Runtime) -> tuple[Stage, TaskRecord] | None:
    stage = find_stage(message, runtime)
    if stage is None:
        return None
    task = stage.task(message.task_id)
    if task is None:
        runtime.publish(InvalidTaskId(message, f"no task {message.task_id} in stage {stage.id}"))
        return None
    return stage, task
