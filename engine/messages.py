"""Queue messages: frozen records naming what to do next by id, plus a JSON codec for transports."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import Any

from engine.model import SyntheticStageOwner
from engine.status import Status


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every message; a handler exists for each concrete subclass."""


@dataclass(frozen=True, slots=True)
class ExecutionMessage(Message):
    execution_id: str


@dataclass(frozen=True, slots=True)
class StageMessage(ExecutionMessage):
    stage_id: str


@dataclass(frozen=True, slots=True)
class TaskMessage(StageMessage):
    task_id: str


# -- execution level ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartExecution(ExecutionMessage):
    pass


@dataclass(frozen=True, slots=True)
class CompleteExecution(ExecutionMessage):
    pass


@dataclass(frozen=True, slots=True)
class CancelExecution(ExecutionMessage):
    user: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PauseExecution(ExecutionMessage):
    user: str | None = None


@dataclass(frozen=True, slots=True)
class ResumeExecution(ExecutionMessage):
    user: str | None = None


@dataclass(frozen=True, slots=True)
class RescheduleExecution(ExecutionMessage):
    """Run every running task now instead of after its backoff (after cancel, judge, skip)."""


@dataclass(frozen=True, slots=True)
class StartWaitingExecutions(Message):
    """A concurrency slot of this pipeline freed up: start the next parked execution."""

    pipeline_config_id: str
    purge_queue: bool = False


# -- stage level ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class CompleteStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class ContinueParentStage(StageMessage):
    """A synthetic child of `stage_id` finished its chain in `phase`."""

    phase: SyntheticStageOwner = SyntheticStageOwner.STAGE_BEFORE


@dataclass(frozen=True, slots=True)
class SkipStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class AbortStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class CancelStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class PauseStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class ResumeStage(StageMessage):
    pass


@dataclass(frozen=True, slots=True)
class RestartStage(StageMessage):
    """Restart a stage; `restarted_child_id`: this parent stage's child run was restarted."""

    user: str | None = None
    restarted_child_id: str | None = None


# -- task level -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartTask(TaskMessage):
    pass


@dataclass(frozen=True, slots=True)
class RunTask(TaskMessage):
    """Run one task invocation; `generation` must match the task's or the message is stale."""

    generation: int = 0


@dataclass(frozen=True, slots=True)
class CompleteTask(TaskMessage):
    status: Status = Status.SUCCEEDED
    # What the task itself returned, when failure options turned it into `status`.
    original_status: Status | None = None


@dataclass(frozen=True, slots=True)
class PauseTask(TaskMessage):
    pass


@dataclass(frozen=True, slots=True)
class ResumeTask(TaskMessage):
    pass


# -- codec ------------------------------------------------------------------------------------

MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.__name__: cls
    for cls in (
        StartExecution,
        CompleteExecution,
        CancelExecution,
        PauseExecution,
        ResumeExecution,
        RescheduleExecution,
        StartWaitingExecutions,
        StartStage,
        CompleteStage,
        ContinueParentStage,
        SkipStage,
        AbortStage,
        CancelStage,
        PauseStage,
        ResumeStage,
        RestartStage,
        StartTask,
        RunTask,
        CompleteTask,
        PauseTask,
        ResumeTask,
    )
}

_ENUM_FIELDS: dict[str, type[Enum]] = {
    "status": Status,
    "original_status": Status,
    "phase": SyntheticStageOwner,
}


def message_to_dict(message: Message) -> dict[str, Any]:
    """A JSON-ready dict: `{"type": "StartStage", "execution_id": ..., "stage_id": ...}`."""
    data: dict[str, Any] = {"type": type(message).__name__}
    for item in dataclasses.fields(message):
        value = getattr(message, item.name)
        data[item.name] = value.value if isinstance(value, Enum) else value
    return data


def message_from_dict(data: dict[str, Any]) -> Message:
    """Inverse of `message_to_dict`; raises KeyError for an unknown message type."""
    cls = MESSAGE_TYPES[data["type"]]
    kwargs: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name not in data:
            continue
        value = data[item.name]
        enum_type = _ENUM_FIELDS.get(item.name)
        kwargs[item.name] = enum_type(value) if enum_type and value is not None else value
    return cls(**kwargs)


def execution_id_of(message: Message) -> str | None:
    """The execution a message works on (its unit-of-work key), if any."""
    return message.execution_id if isinstance(message, ExecutionMessage) else None
