"""The in-memory ports behave like the real ones where tests rely on it."""

from __future__ import annotations

import pytest

from engine.dispatcher import Dispatcher
from engine.errors import ExecutionNotFoundError
from engine.memory import FixedClock, InMemoryExecutionRepository, InMemoryQueue
from engine.messages import Message, StartExecution
from engine.status import Status
from tests.engine.support import make_engine, pipeline, stage


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[Message] = []

    def handle(self, message: Message) -> None:
        self.seen.append(message)


def test_queue_delivers_in_due_order_and_advances_the_clock() -> None:
    clock = FixedClock(0)
    queue = InMemoryQueue(clock)
    recorder = _Recorder()
    queue.push(StartExecution("late"), 5_000)
    queue.push(StartExecution("first"))
    queue.push(StartExecution("second"))
    queue.push(StartExecution("soon"), 10)
    assert queue.run_until_idle(recorder, advance_clock=False) == 2  # type: ignore[arg-type]
    assert clock.now_ms() == 0
    assert queue.run_until_idle(recorder, until_ms=100) == 1  # type: ignore[arg-type]
    assert queue.next_due() == 5_000
    queue.run_until_idle(recorder)  # type: ignore[arg-type]
    assert [message.execution_id for message in recorder.seen] == [  # type: ignore[attr-defined]
        "first",
        "second",
        "soon",
        "late",
    ]
    assert clock.now_ms() == 5_000


def test_queue_bounds_a_runaway_loop() -> None:
    clock = FixedClock(0)
    queue = InMemoryQueue(clock)

    class Echo:
        def handle(self, message: Message) -> None:
            queue.push(message, 1)

    queue.push(StartExecution("x"))
    with pytest.raises(RuntimeError, match="still busy"):
        queue.run_until_idle(Echo(), max_messages=50)  # type: ignore[arg-type]


def test_snapshot_repository_loses_unstored_changes() -> None:
    engine = make_engine(snapshot=True)
    execution = pipeline(engine, stage("1"))
    engine.repository.store(execution)
    loaded = engine.repository.retrieve(execution.id)
    loaded.stages[0].status = Status.RUNNING
    assert engine.repository.retrieve(execution.id).stages[0].status == Status.NOT_STARTED
    engine.repository.store_stage(loaded.stages[0])
    assert engine.repository.retrieve(execution.id).stages[0].status == Status.RUNNING
    with pytest.raises(ExecutionNotFoundError):
        engine.repository.retrieve("missing")


def test_latest_execution_of_a_pipeline() -> None:
    engine = make_engine()
    older = pipeline(engine, stage("1"))
    engine.clock.advance(10)
    newer = pipeline(engine, stage("1"))
    for each in (older, newer):
        engine.repository.store(each)
    repository: InMemoryExecutionRepository = engine.repository
    assert repository.retrieve_latest_for_pipeline("p1").id == newer.id  # type: ignore[union-attr]
    assert repository.retrieve_latest_for_pipeline("p1", statuses=[Status.SUCCEEDED]) is None
    assert repository.retrieve_latest_for_pipeline("other") is None


def test_engine_dispatcher_is_a_dispatcher() -> None:
    assert isinstance(make_engine().dispatcher, Dispatcher)
