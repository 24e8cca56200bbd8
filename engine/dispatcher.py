"""The one entry point transports call: `Dispatcher.handle(message)` inside a unit of work."""

from __future__ import annotations

from engine.handlers import HANDLERS
from engine.handlers.run_task import execute_ahead, run_key
from engine.messages import Message, RunTask, execution_id_of
from engine.model import Execution
from engine.ports import (
    Clock,
    ConcurrencyGate,
    EventPublisher,
    ExecutionRepository,
    ExpressionProcessor,
    MessageQueue,
    StageRegistry,
)
from engine.runtime import EngineSettings, Outbox, Runtime


class Dispatcher:
    """Routes each message to its handler; what it pushes or publishes leaves after commit."""

    def __init__(
        self,
        *,
        repository: ExecutionRepository,
        queue: MessageQueue,
        clock: Clock,
        registry: StageRegistry,
        expressions: ExpressionProcessor,
        gate: ConcurrencyGate,
        events: EventPublisher,
        settings: EngineSettings | None = None,
    ) -> None:
        self.repository = repository
        self.queue = queue
        self.clock = clock
        self.registry = registry
        self.expressions = expressions
        self.gate = gate
        self.events = events
        self.settings = settings or EngineSettings()

    def handle(self, message: Message, *, ahead: object | None = None) -> None:
        """Handle one delivery. Raises TypeError for a message type nobody handles.

        Any exception from a handler propagates after the unit of work rolled back, with nothing
        pushed or published, so the transport can redeliver. `ahead` is what `run_ahead`
        returned for this same RunTask.
        """
        handler = HANDLERS.get(type(message))
        if handler is None:
            raise TypeError(f"no handler for {type(message).__name__}")
        runtime = self._runtime()
        if ahead is not None and isinstance(message, RunTask):
            runtime.ahead[run_key(message)] = ahead
        with self.repository.transaction(execution_id_of(message)):
            handler(message, runtime)
        runtime.outbox.release(self.queue, self.events)

    def run_ahead(self, message: RunTask, execution: Execution) -> object | None:
        """Before the unit of work: runs the task `handle(message)` would run, on `execution`
        read outside any transaction, and returns the outcome to hand to `handle` (None: it
        would not run, or nothing ran). Transports use it for tasks with outside effects, so
        a slow HTTP call or cloud API never holds the database's locks."""
        return execute_ahead(message, execution, self._runtime())

    def _runtime(self) -> Runtime:
        return Runtime(
            repository=self.repository,
            clock=self.clock,
            registry=self.registry,
            expressions=self.expressions,
            gate=self.gate,
            settings=self.settings,
            outbox=Outbox(),
        )
