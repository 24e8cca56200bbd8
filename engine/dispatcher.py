"""The one entry point transports call: `Dispatcher.handle(message)` inside a unit of work."""

from __future__ import annotations

from engine.handlers import HANDLERS
from engine.messages import Message, execution_id_of
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

    def handle(self, message: Message) -> None:
        """Handle one delivery. Raises TypeError for a message type nobody handles.

        Any exception from a handler propagates after the unit of work rolled back, with nothing
        pushed or published, so the transport can redeliver.
        """
        handler = HANDLERS.get(type(message))
        if handler is None:
            raise TypeError(f"no handler for {type(message).__name__}")
        outbox = Outbox()
        runtime = Runtime(
            repository=self.repository,
            clock=self.clock,
            registry=self.registry,
            expressions=self.expressions,
            gate=self.gate,
            settings=self.settings,
            outbox=outbox,
        )
        with self.repository.transaction(execution_id_of(message)):
            handler(message, runtime)
        outbox.release(self.queue, self.events)
