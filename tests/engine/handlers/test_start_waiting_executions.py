"""StartWaitingExecutions handler: newest wins (purge) or first come first served."""

from __future__ import annotations

from engine.concurrency import SUPERSEDED_REASON
from engine.memory import InMemoryEngine
from engine.messages import CancelExecution, StartExecution, StartWaitingExecutions
from tests.engine.support import handle, pipeline, save, stage, started


def _park_three(engine: InMemoryEngine) -> list[str]:
    started(engine, stage("1", polls=9), limitConcurrent=True)
    waiting = []
    for _ in range(3):
        engine.clock.advance(1_000)
        execution = save(engine, pipeline(engine, stage("1"), limitConcurrent=True))
        handle(engine, StartExecution(execution.id))
        waiting.append(execution.id)
    return waiting


def test_purge_starts_the_newest_and_cancels_the_rest(engine: InMemoryEngine) -> None:
    oldest, middle, newest = _park_three(engine)
    assert handle(engine, StartWaitingExecutions("p1", purge_queue=True)) == [
        (CancelExecution(oldest, user="system", reason=SUPERSEDED_REASON), 0),
        (CancelExecution(middle, user="system", reason=SUPERSEDED_REASON), 0),
        (StartExecution(newest), 0),
    ]
    assert engine.gate.parked("p1") == []


def test_keep_waiting_starts_the_oldest(engine: InMemoryEngine) -> None:
    oldest, middle, newest = _park_three(engine)
    assert handle(engine, StartWaitingExecutions("p1", purge_queue=False)) == [
        (StartExecution(oldest), 0)
    ]
    assert engine.gate.parked("p1") == [StartExecution(middle), StartExecution(newest)]


def test_nothing_waiting_does_nothing(engine: InMemoryEngine) -> None:
    assert handle(engine, StartWaitingExecutions("p1", purge_queue=True)) == []
