"""Work inside a stage: `execute(stage) -> TaskResult`, where RUNNING means poll me again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.events import EngineEvent
from engine.model import Stage
from engine.model import Task as TaskRecord
from engine.status import Status

DEFAULT_RETRYABLE_BACKOFF_MS = 5_000


@dataclass(frozen=True)
class TaskResult:
    """What one invocation produced.

    `context` is merged into the stage's own context, `outputs` into the stage outputs that
    downstream stages see; `events` are published after the unit of work commits.
    """

    status: Status
    context: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[EngineEvent, ...] = ()

    @classmethod
    def running(cls, context: Mapping[str, Any] | None = None) -> TaskResult:
        return cls(Status.RUNNING, context or {})

    @classmethod
    def succeeded(
        cls,
        context: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
    ) -> TaskResult:
        return cls(Status.SUCCEEDED, context or {}, outputs or {})

    @classmethod
    def terminal(cls, error: str, *, errors: list[str] | None = None) -> TaskResult:
        """Fail with a message shown on the stage (`context.exception.details`)."""
        details = {"error": error, "errors": errors if errors is not None else [error]}
        return cls(Status.TERMINAL, {"exception": {"details": details}})


class TaskRetryableError(Exception):
    """Raised by a task for a transient problem: the engine retries after the task's backoff."""


class Task(Protocol):
    """What the engine calls. Subclass `BaseTask` to get the defaults."""

    @property
    def task_type(self) -> str:
        """Stable key stored as the task record's `implementingClass`."""
        ...

    @property
    def retryable(self) -> bool:
        """Orca's RetryableTask: polls with `backoff_ms` and is bounded by `timeout_ms`."""
        ...

    @property
    def timeout_overridable(self) -> bool:
        """`stageTimeoutMs` replaces `timeout_ms` (Orca's OverridableTimeoutRetryableTask)."""
        ...

    def execute(self, stage: Stage) -> TaskResult: ...

    def on_cancel(self, stage: Stage) -> TaskResult | None:
        """Clean up when the execution is canceled while this task runs; context may be returned."""
        ...

    def backoff_ms(self, stage: Stage) -> int: ...

    def timeout_ms(self, stage: Stage) -> int | None:
        """None: never times out on its own (the stage timeout still applies)."""
        ...


class BaseTask:
    """Defaults for the optional parts of `Task`; `task_type` is the dotted class name."""

    task_type: str
    retryable: bool = False
    timeout_overridable: bool = False
    # Whether `execute` acts outside the engine's own transaction (HTTP calls, cloud APIs).
    # Transports run at most one such task per transaction, so a crash repeats at most one
    # outside effect; tasks that only read and write through the engine can be batched.
    external_effects: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "task_type" not in cls.__dict__:
            cls.task_type = f"{cls.__module__}.{cls.__qualname__}"

    def execute(self, stage: Stage) -> TaskResult:
        raise NotImplementedError

    def on_cancel(self, stage: Stage) -> TaskResult | None:
        return None

    def backoff_ms(self, stage: Stage) -> int:
        return DEFAULT_RETRYABLE_BACKOFF_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return None


def running_task(stage: Stage) -> TaskRecord | None:
    """The stage's task currently running (tasks of a stage run one at a time)."""
    for task in stage.tasks:
        if task.status == Status.RUNNING:
            return task
    return None
