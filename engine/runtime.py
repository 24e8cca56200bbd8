"""What a handler works with: the ports, settings, and an outbox released only after commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.events import EngineEvent, StageStatusChanged, TaskStatusChanged
from engine.ids import new_id
from engine.messages import Message
from engine.model import Execution, Stage
from engine.model import Task as TaskRecord
from engine.ports import (
    Clock,
    ConcurrencyGate,
    EventPublisher,
    ExecutionRepository,
    ExpressionProcessor,
    MessageQueue,
    StageRegistry,
)

SYSTEM_USER = "system"


@dataclass(frozen=True)
class EngineSettings:
    # Orca polls a non-retryable task that returned RUNNING once a second.
    non_retryable_backoff_ms: int = 1_000
    system_user: str = SYSTEM_USER


class Outbox:
    """Messages and events produced inside a unit of work, held until it commits."""

    __slots__ = ("events", "messages")

    def __init__(self) -> None:
        self.messages: list[tuple[Message, int]] = []
        self.events: list[EngineEvent] = []

    def push(self, message: Message, delay_ms: int = 0) -> None:
        self.messages.append((message, delay_ms))

    def publish(self, event: EngineEvent) -> None:
        self.events.append(event)

    def release(self, queue: MessageQueue, publisher: EventPublisher) -> None:
        for message, delay_ms in self.messages:
            queue.push(message, delay_ms)
        for event in self.events:
            publisher.publish(event)


@dataclass
class Runtime:
    """Handed to every handler; `push`/`publish` go to the outbox, not straight to the ports."""

    repository: ExecutionRepository
    clock: Clock
    registry: StageRegistry
    expressions: ExpressionProcessor
    gate: ConcurrencyGate
    settings: EngineSettings = field(default_factory=EngineSettings)
    outbox: Outbox = field(default_factory=Outbox)
    # Task outcomes a transport obtained before its unit of work (see `Dispatcher.run_ahead`),
    # by (execution id, stage id, task id, run generation); RunTask takes its own out.
    ahead: dict[tuple[str, str, str, int], object] = field(default_factory=dict)

    def now(self) -> int:
        return self.clock.now_ms()

    def new_id(self) -> str:
        return new_id(self.clock)

    def push(self, message: Message, delay_ms: int = 0) -> None:
        self.outbox.push(message, delay_ms)

    def push_all(self, messages: Iterable[Message]) -> None:
        for message in messages:
            self.outbox.push(message, 0)

    def publish(self, event: EngineEvent) -> None:
        self.outbox.publish(event)

    def publish_stage(self, stage: Stage) -> None:
        execution = stage.execution
        self.outbox.publish(
            StageStatusChanged(
                execution.id,
                execution.application,
                stage_id=stage.id,
                ref_id=stage.ref_id,
                stage_type=stage.type,
                name=stage.name,
                status=stage.status,
                parent_stage_id=stage.parent_stage_id,
            )
        )

    def publish_task(self, stage: Stage, task: TaskRecord) -> None:
        execution: Execution = stage.execution
        self.outbox.publish(
            TaskStatusChanged(
                execution.id,
                execution.application,
                stage_id=stage.id,
                task_id=task.id,
                name=task.name,
                status=task.status,
            )
        )
