"""The dispatcher wraps each message in a unit of work and releases its output after commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from engine.events import ExecutionStarted
from engine.memory import InMemoryEngine
from engine.messages import Message, StartExecution
from tests.engine.support import make_engine, pipeline, stage


class _WatchedRepository:
    """Records whether anything reached the queue while the unit of work was open."""

    def __init__(self, engine: InMemoryEngine, *, fail: bool = False) -> None:
        self.engine = engine
        self.fail = fail
        self.seen_inside: list[int] = []
        self.keys: list[str | None] = []

    @contextmanager
    def transaction(self, execution_id: str | None) -> Iterator[None]:
        self.keys.append(execution_id)
        yield
        self.seen_inside.append(len(self.engine.queue.pushed) + len(self.engine.events.events))
        if self.fail:
            raise RuntimeError("commit failed")


def _engine_with(
    watch: bool = False, fail: bool = False
) -> tuple[InMemoryEngine, _WatchedRepository]:
    engine = make_engine()
    watched = _WatchedRepository(engine, fail=fail)
    engine.repository.transaction = watched.transaction  # type: ignore[method-assign]
    return engine, watched


def test_output_leaves_only_after_the_unit_of_work() -> None:
    engine, watched = _engine_with()
    execution = pipeline(engine, stage("1"))
    engine.repository.store(execution)
    engine.queue.take_pushed()
    engine.dispatcher.handle(StartExecution(execution.id))
    assert watched.keys == [execution.id]
    assert watched.seen_inside == [0]  # nothing was delivered while it was open
    assert len(engine.queue.pushed) == 1
    assert isinstance(engine.events.events[0], ExecutionStarted)


def test_a_failed_commit_delivers_nothing() -> None:
    engine, _ = _engine_with(fail=True)
    execution = pipeline(engine, stage("1"))
    engine.repository.store(execution)
    engine.queue.take_pushed()
    with pytest.raises(RuntimeError, match="commit failed"):
        engine.dispatcher.handle(StartExecution(execution.id))
    assert engine.queue.pushed == []
    assert engine.events.events == []


def test_unknown_message_type_is_an_error(engine: InMemoryEngine) -> None:
    with pytest.raises(TypeError, match="no handler"):
        engine.dispatcher.handle(Message())
