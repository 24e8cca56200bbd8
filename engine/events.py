"""Small notices published after each unit of work commits (live updates, notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.messages import Message
from engine.status import Status


@dataclass(frozen=True, slots=True)
class EngineEvent:
    """Base of every event."""


@dataclass(frozen=True, slots=True)
class ExecutionEvent(EngineEvent):
    execution_id: str
    application: str


@dataclass(frozen=True, slots=True)
class ExecutionStarted(ExecutionEvent):
    pipeline_config_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExecutionQueued(ExecutionEvent):
    """Parked by the concurrency limits; stays NOT_STARTED until a slot frees up."""

    pipeline_config_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExecutionStatusChanged(ExecutionEvent):
    """Paused, resumed, or running again after a restart."""

    status: Status = Status.RUNNING


@dataclass(frozen=True, slots=True)
class ExecutionComplete(ExecutionEvent):
    status: Status = Status.SUCCEEDED
    pipeline_config_id: str | None = None


@dataclass(frozen=True, slots=True)
class StageStatusChanged(ExecutionEvent):
    stage_id: str = ""
    ref_id: str = ""
    stage_type: str = ""
    name: str = ""
    status: Status = Status.RUNNING
    parent_stage_id: str | None = None


@dataclass(frozen=True, slots=True)
class TaskStatusChanged(ExecutionEvent):
    stage_id: str = ""
    task_id: str = ""
    name: str = ""
    status: Status = Status.RUNNING


@dataclass(frozen=True, slots=True)
class JudgmentAwaited(ExecutionEvent):
    """A manual judgment started waiting for someone to continue or stop it."""

    stage_id: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class JudgmentDecided(ExecutionEvent):
    stage_id: str = ""
    name: str = ""
    judgment_status: str = ""
    judgment_input: Any = None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class MessageDropped(EngineEvent):
    """A message named something that does not exist (Orca's InvalidExecutionId and friends)."""

    message: Message
    reason: str


@dataclass(frozen=True, slots=True)
class InvalidExecutionId(MessageDropped):
    pass


@dataclass(frozen=True, slots=True)
class InvalidStageId(MessageDropped):
    pass


@dataclass(frozen=True, slots=True)
class InvalidTaskId(MessageDropped):
    pass
