"""The engine's view of the world: storage, queue, clock, events, gate, expressions, types."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.events import EngineEvent
from engine.messages import Message
from engine.model import Execution, Stage
from engine.stages.builder import StageDefinitionBuilder
from engine.status import Status
from engine.tasks import Task


class Clock(Protocol):
    def now_ms(self) -> int:
        """Epoch milliseconds."""
        ...


class MessageQueue(Protocol):
    def push(self, message: Message, delay_ms: int = 0) -> None:
        """Deliver `message` to `Dispatcher.handle` once, no earlier than `delay_ms` from now.

        At-least-once is enough: every handler tolerates duplicates and late arrivals.
        """
        ...


class EventPublisher(Protocol):
    def publish(self, event: EngineEvent) -> None:
        """Called after the unit of work that produced `event` committed."""
        ...


class ExecutionRepository(Protocol):
    """Execution storage. Writes are granular: one stage, or the execution's own fields.

    The Django adapter keeps one row per execution and one per stage (Orca's SQL layout), so a
    message costs a couple of small writes however large the execution is.
    """

    def transaction(self, execution_id: str | None) -> AbstractContextManager[None]:
        """One unit of work per message: every read and write of a handler happens inside it.

        Must serialise units of work on the same execution (row lock, BEGIN IMMEDIATE, or
        per-execution affinity): joins and the final-status check rely on it. The dispatcher
        delivers the messages and events a handler produced only after this block exits cleanly.
        """
        ...

    def retrieve(self, execution_id: str) -> Execution:
        """The execution with all its stages; raises ExecutionNotFoundError."""
        ...

    def store(self, execution: Execution) -> None:
        """Insert a new execution with its stages."""
        ...

    def store_stage(self, stage: Stage) -> None:
        """Upsert one stage: status, times, context, outputs, tasks."""
        ...

    def add_stage(self, stage: Stage) -> None:
        """Insert a synthetic stage planned at run time (already appended to its execution)."""
        ...

    def remove_stage(self, execution: Execution, stage_id: str) -> None:
        """Delete a synthetic stage (on restart, or when failure stages replace unstarted ones)."""
        ...

    def update_execution(self, execution: Execution) -> None:
        """Write the execution's own fields (`Execution.header_dict()`), never its stages."""
        ...

    def retrieve_latest_for_pipeline(
        self, pipeline_config_id: str, *, statuses: Collection[Status] | None = None
    ) -> Execution | None:
        """Newest execution (by build time) of a pipeline config, optionally by status."""
        ...


@dataclass(frozen=True)
class PendingRelease:
    """What `ConcurrencyGate.pop_next` hands back: one message to run, the superseded ones."""

    next: Message | None = None
    superseded: tuple[Message, ...] = ()


class ConcurrencyGate(Protocol):
    """The pending-execution queue behind limitConcurrent / keepWaitingPipelines / maxConcurrent."""

    def admit_or_park(self, execution: Execution, message: Message) -> bool:
        """Atomically decide whether `execution` may start now.

        True: it may, and from now on it counts as running for this pipeline config (the Django
        adapter holds a per-config row lock until the unit of work that marks it RUNNING
        commits). False: `message` (a StartExecution or RestartStage) is parked under the
        pipeline config, ordered by the execution's build time. Counting uses
        `engine.concurrency.must_queue`; PAUSED runs and runs waiting on a judgment count.
        """
        ...

    def pop_next(self, pipeline_config_id: str, *, purge: bool) -> PendingRelease:
        """Take the newest parked message (purge: every other one is superseded) or the oldest."""
        ...

    def withdraw(self, execution_id: str) -> None:
        """Forget whatever this execution had parked (it was canceled while waiting)."""
        ...

    def pending_pipeline_ids(self) -> list[str]:
        """Pipeline configs with parked messages, for a periodic safety-net sweep."""
        ...


@dataclass(frozen=True)
class ExpressionResult:
    """A processed value and the notes of what failed (`expressionEvaluationSummary` shape).

    `summary` maps each failing expression to notes like
    `{"description": "...", "exceptionType": "...", "level": "ERROR", "timestamp": ms}`.
    """

    value: Any
    summary: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


class ExpressionProcessor(Protocol):
    """Pipeline expressions (`${...}`); failures leave the text as is and are reported."""

    def process(self, value: Any, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        """Replace every `${...}` inside a JSON-like value (dicts, lists, strings)."""
        ...

    def evaluate(self, text: str, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        """Evaluate a bare expression (no `${}`), e.g. a `stageEnabled` condition."""
        ...


class PipelineLauncher(Protocol):
    """Starts the child run of a `pipeline` stage (the platform implements it on its models)."""

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
        """Build, store and queue the child execution; return its id.

        Called inside the parent's unit of work, from the stage's `startPipeline` task. Build the
        child with `engine.launcher.build_execution(config, trigger=child_trigger(...), ...)`
        so it references the parent by id. Write it in the same database transaction as the
        parent and queue its `StartExecution` only after commit: a crash then leaves neither.
        Raise `ChildPipelineError` (with a message for the user) when the pipeline does not
        exist in `application`, is disabled, or may not be run by `user`.
        """
        ...


class StageRegistry(Protocol):
    """Stage type name -> builder, task type -> task."""

    def builder(self, stage_type: str) -> StageDefinitionBuilder:
        """Raises UnknownStageTypeError."""
        ...

    def task(self, task_type: str) -> Task:
        """Raises UnknownTaskTypeError."""
        ...
