"""StartExecution handler."""

from __future__ import annotations

from engine.events import ExecutionComplete, ExecutionQueued, ExecutionStarted
from engine.memory import InMemoryEngine
from engine.messages import StartExecution, StartStage, StartWaitingExecutions
from engine.status import Status
from tests.engine.support import by_ref, handle, pipeline, save, stage, started


def test_starts_every_initial_stage(engine: InMemoryEngine) -> None:
    execution = save(engine, pipeline(engine, stage("1"), stage("2"), stage("3", "1", "2")))
    pushed = handle(engine, StartExecution(execution.id))
    assert pushed == [
        (StartStage(execution.id, by_ref(execution, "1").id), 0),
        (StartStage(execution.id, by_ref(execution, "2").id), 0),
    ]
    stored = engine.execution(execution.id)
    assert stored.status == Status.RUNNING
    assert stored.start_time == engine.clock.now_ms()
    assert isinstance(engine.events.events[-1], ExecutionStarted)


def test_a_duplicate_start_is_ignored(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    assert handle(engine, StartExecution(execution.id)) == []


def test_no_initial_stage_is_terminal(engine: InMemoryEngine) -> None:
    execution = save(engine, pipeline(engine, stage("1", "2"), stage("2", "1")))
    assert handle(engine, StartExecution(execution.id)) == []
    assert engine.execution(execution.id).status == Status.TERMINAL
    assert isinstance(engine.events.events[-1], ExecutionComplete)


def test_a_canceled_execution_never_starts(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"))
    execution.mark_canceled(user="bob", reason=None, now=1)
    save(engine, execution)
    assert handle(engine, StartExecution(execution.id)) == []
    assert engine.execution(execution.id).status == Status.CANCELED


def test_limit_concurrent_parks_the_second_run(engine: InMemoryEngine) -> None:
    first = started(engine, stage("1", polls=5), limitConcurrent=True)
    second = save(engine, pipeline(engine, stage("1"), limitConcurrent=True))
    assert handle(engine, StartExecution(second.id)) == []
    assert engine.execution(second.id).status == Status.NOT_STARTED
    assert engine.gate.parked("p1") == [StartExecution(second.id)]
    assert engine.events.events[-1] == ExecutionQueued(second.id, "app", "p1")
    assert engine.execution(first.id).status == Status.RUNNING


def test_start_time_expiry_cancels_and_frees_the_slot(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"), limitConcurrent=True)
    execution.start_time_expiry = engine.clock.now_ms() - 1
    save(engine, execution)
    pushed = handle(engine, StartExecution(execution.id))
    assert pushed == [(StartWaitingExecutions("p1", purge_queue=True), 0)]
    stored = engine.execution(execution.id)
    assert stored.status == Status.CANCELED
    assert "start time expiry" in (stored.cancellation_reason or "")
