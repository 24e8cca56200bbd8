"""In-memory implementations of every port, with a fixed clock, for deterministic tests."""

from __future__ import annotations

import copy
import heapq
import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from engine import concurrency
from engine.dispatcher import Dispatcher
from engine.errors import ChildPipelineError, ExecutionNotFoundError, PipelineConfigError
from engine.events import EngineEvent
from engine.launcher import build_execution, child_trigger
from engine.messages import Message, StartExecution
from engine.model import Execution, Stage
from engine.operations import Operations
from engine.outbound import OutboundClient
from engine.ports import Clock, ExpressionProcessor, ExpressionResult, MessageQueue, PendingRelease
from engine.runtime import EngineSettings
from engine.stages.builtin import builtin_registry
from engine.stages.registry import StageTypeRegistry
from engine.status import Status

# 2024-01-01T00:00:00Z, a Monday.
DEFAULT_START_MS = 1_704_067_200_000


class FixedClock:
    """Time moves only when a test says so."""

    def __init__(self, now_ms: int = DEFAULT_START_MS) -> None:
        self._now = now_ms

    def now_ms(self) -> int:
        return self._now

    def advance(self, ms: int) -> None:
        self._now += ms

    def set(self, now_ms: int) -> None:
        self._now = now_ms


class InMemoryQueue:
    """A delay queue; `run_until_idle` delivers due messages in (due time, push order)."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self._heap: list[tuple[int, int, Message]] = []
        self._order = itertools.count()
        self.pushed: list[tuple[Message, int]] = []
        self.delivered = 0

    def push(self, message: Message, delay_ms: int = 0) -> None:
        due = self._clock.now_ms() + max(0, delay_ms)
        heapq.heappush(self._heap, (due, next(self._order), message))
        self.pushed.append((message, delay_ms))

    def take_pushed(self) -> list[tuple[Message, int]]:
        """Everything pushed since the last call, with its delay (for handler tests)."""
        taken, self.pushed = self.pushed, []
        return taken

    def pending(self) -> list[tuple[int, Message]]:
        return [(due, message) for due, _, message in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()

    def next_due(self) -> int | None:
        return self._heap[0][0] if self._heap else None

    def run_until_idle(
        self,
        dispatcher: Dispatcher,
        *,
        advance_clock: bool = True,
        until_ms: int | None = None,
        max_messages: int = 200_000,
    ) -> int:
        """Deliver messages until none is due; with `advance_clock`, jump to the next due time.

        `until_ms` bounds how far the clock may be advanced (a judgment poll never ends on its
        own). Raises RuntimeError past `max_messages`, so a runaway loop fails a test quickly.
        """
        handled = 0
        while self._heap:
            due = self._heap[0][0]
            if due > self._clock.now_ms():
                if not advance_clock or (until_ms is not None and due > until_ms):
                    break
                self._clock.set(due)
            _, _, message = heapq.heappop(self._heap)
            dispatcher.handle(message)
            handled += 1
            self.delivered += 1
            if handled > max_messages:
                raise RuntimeError(f"still busy after {max_messages} messages")
        return handled


class InMemoryExecutionRepository:
    """Executions in a dict.

    With `snapshot=True` every read builds fresh objects from what was written, like a database:
    a handler that forgets to store a change loses it, so scenario tests catch missing writes.
    """

    def __init__(self, *, snapshot: bool = False) -> None:
        self.snapshot = snapshot
        self._live: dict[str, Execution] = {}
        self._headers: dict[str, dict[str, Any]] = {}
        self._stages: dict[str, dict[str, dict[str, Any]]] = {}
        self.writes = 0
        self.transactions = 0

    @contextmanager
    def transaction(self, execution_id: str | None) -> Iterator[None]:
        self.transactions += 1
        yield

    def retrieve(self, execution_id: str) -> Execution:
        if not self.snapshot:
            try:
                return self._live[execution_id]
            except KeyError:
                raise ExecutionNotFoundError(execution_id) from None
        header = self._headers.get(execution_id)
        if header is None:
            raise ExecutionNotFoundError(execution_id)
        data = copy.deepcopy(header)
        data["stages"] = copy.deepcopy(list(self._stages[execution_id].values()))
        return Execution.from_dict(data)

    def store(self, execution: Execution) -> None:
        self.writes += 1
        if not self.snapshot:
            self._live[execution.id] = execution
            return
        self._headers[execution.id] = copy.deepcopy(execution.header_dict())
        self._stages[execution.id] = {
            stage.id: copy.deepcopy(stage.to_dict()) for stage in execution.stages
        }

    def store_stage(self, stage: Stage) -> None:
        self.writes += 1
        if self.snapshot:
            self._stages[stage.execution.id][stage.id] = copy.deepcopy(stage.to_dict())

    def add_stage(self, stage: Stage) -> None:
        self.store_stage(stage)

    def remove_stage(self, execution: Execution, stage_id: str) -> None:
        self.writes += 1
        if self.snapshot:
            self._stages[execution.id].pop(stage_id, None)

    def update_execution(self, execution: Execution) -> None:
        self.writes += 1
        if self.snapshot:
            self._headers[execution.id] = copy.deepcopy(execution.header_dict())

    def retrieve_latest_for_pipeline(
        self, pipeline_config_id: str, *, statuses: Collection[Status] | None = None
    ) -> Execution | None:
        matching = [
            execution
            for execution in self.for_pipeline(pipeline_config_id)
            if statuses is None or execution.status in statuses
        ]
        if not matching:
            return None
        return max(matching, key=lambda execution: (execution.build_time or 0, execution.id))

    def for_pipeline(self, pipeline_config_id: str) -> list[Execution]:
        """Every execution of a pipeline config (the gate counts the active ones)."""
        ids = self._live if not self.snapshot else self._headers
        found = [self.retrieve(execution_id) for execution_id in ids]
        return [each for each in found if each.pipeline_config_id == pipeline_config_id]


class InMemoryConcurrencyGate:
    """Parked messages per pipeline config, ordered by the execution's build time."""

    def __init__(self, repository: InMemoryExecutionRepository) -> None:
        self._repository = repository
        self._pending: dict[str, dict[str, tuple[tuple[int, str], Message]]] = {}

    def admit_or_park(self, execution: Execution, message: Message) -> bool:
        config_id = execution.pipeline_config_id
        if config_id is None:
            return True
        active = sum(
            1
            for other in self._repository.for_pipeline(config_id)
            if other.id != execution.id and other.status.is_active
        )
        waiting = self._pending.setdefault(config_id, {})
        if not concurrency.must_queue(execution, active_others=active):
            waiting.pop(execution.id, None)
            return True
        waiting[execution.id] = ((execution.build_time or 0, execution.id), message)
        return False

    def pop_next(self, pipeline_config_id: str, *, purge: bool) -> PendingRelease:
        waiting = self._pending.get(pipeline_config_id)
        if not waiting:
            return PendingRelease()
        ordered = sorted(waiting.values(), key=lambda entry: entry[0])
        chosen = ordered[-1] if purge else ordered[0]
        superseded = tuple(entry[1] for entry in ordered if entry is not chosen) if purge else ()
        if purge:
            waiting.clear()
        else:
            waiting.pop(chosen[0][1])
        return PendingRelease(chosen[1], superseded)

    def withdraw(self, execution_id: str) -> None:
        for waiting in self._pending.values():
            waiting.pop(execution_id, None)

    def pending_pipeline_ids(self) -> list[str]:
        return sorted(config_id for config_id, waiting in self._pending.items() if waiting)

    def parked(self, pipeline_config_id: str) -> list[Message]:
        waiting = self._pending.get(pipeline_config_id, {})
        return [message for _, message in sorted(waiting.values(), key=lambda entry: entry[0])]


class RecordingEventPublisher:
    def __init__(self) -> None:
        self.events: list[EngineEvent] = []

    def publish(self, event: EngineEvent) -> None:
        self.events.append(event)

    def of_type(self, kind: type[EngineEvent]) -> list[EngineEvent]:
        return [event for event in self.events if isinstance(event, kind)]


class LiteralExpressionProcessor:
    """Evaluates nothing: values pass through, and only literal true/false conditions resolve."""

    def process(self, value: Any, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        return ExpressionResult(value)

    def evaluate(self, text: str, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return ExpressionResult(lowered == "true")
        note = {"description": f"cannot evaluate {text!r}", "level": "ERROR"}
        return ExpressionResult(None, {text: [note]})


class InMemoryPipelineLauncher:
    """Child runs built from pipeline configs registered with `add_pipeline`.

    A config may carry `"disabled": true`; `application` defaults to the parent's.
    """

    def __init__(
        self, *, repository: InMemoryExecutionRepository, queue: MessageQueue, clock: Clock
    ) -> None:
        self._repository = repository
        self._queue = queue
        self._clock = clock
        self._configs: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self.started: list[str] = []

    def add_pipeline(self, config: Mapping[str, Any], *, application: str | None = None) -> None:
        self._configs[str(config["id"])] = (application, copy.deepcopy(dict(config)))

    def start_child(
        self,
        *,
        parent: Execution,
        parent_stage: Stage,
        application: str,
        pipeline_id: str,
        parameters: Mapping[str, Any],
        artifacts: Sequence[Mapping[str, Any]],
        user: str | None,
    ) -> str:
        registered = self._configs.get(pipeline_id)
        if registered is None or (registered[0] or parent.application) != application:
            raise ChildPipelineError(
                f"The referenced pipeline {pipeline_id} does not exist in application {application}"
            )
        config = registered[1]
        if config.get("disabled") is True:
            raise ChildPipelineError(f"The referenced pipeline {config.get('name')} is disabled")
        trigger = child_trigger(
            parent=parent,
            parent_stage=parent_stage,
            config=config,
            parameters=parameters,
            artifacts=artifacts,
            user=user,
        )
        try:
            child = build_execution(
                config,
                trigger=trigger,
                application=application,
                user=trigger["user"],
                time_zone=parent.time_zone,
                clock=self._clock,
                team=parent.team,
            )
        except PipelineConfigError as error:
            raise ChildPipelineError(f"The referenced pipeline cannot run: {error}") from None
        self._repository.store(child)
        self._queue.push(StartExecution(child.id))
        self.started.append(child.id)
        return child.id


class InMemoryEngine:
    """Every port in memory, wired to a dispatcher: `engine.start(execution); engine.run()`."""

    def __init__(
        self,
        *,
        clock: FixedClock | None = None,
        registry: StageTypeRegistry | None = None,
        expressions: ExpressionProcessor | None = None,
        snapshot: bool = False,
        settings: EngineSettings | None = None,
        outbound: OutboundClient | None = None,
    ) -> None:
        self.clock = clock or FixedClock()
        self.expressions: ExpressionProcessor = expressions or LiteralExpressionProcessor()
        self.repository = InMemoryExecutionRepository(snapshot=snapshot)
        self.queue = InMemoryQueue(self.clock)
        self.launcher = InMemoryPipelineLauncher(
            repository=self.repository, queue=self.queue, clock=self.clock
        )
        self.registry = registry or builtin_registry(
            clock=self.clock,
            expressions=self.expressions,
            repository=self.repository,
            pipeline_launcher=self.launcher,
            outbound=outbound,
        )
        self.events = RecordingEventPublisher()
        self.gate = InMemoryConcurrencyGate(self.repository)
        self.dispatcher = Dispatcher(
            repository=self.repository,
            queue=self.queue,
            clock=self.clock,
            registry=self.registry,
            expressions=self.expressions,
            gate=self.gate,
            events=self.events,
            settings=settings,
        )
        self.operations = Operations(
            repository=self.repository,
            queue=self.queue,
            clock=self.clock,
            registry=self.registry,
            events=self.events,
        )

    def start(self, execution: Execution) -> None:
        self.operations.start(execution=execution)

    def run(self, **kwargs: Any) -> int:
        return self.queue.run_until_idle(self.dispatcher, **kwargs)

    def execution(self, execution_id: str) -> Execution:
        return self.repository.retrieve(execution_id)
