"""CompleteExecution handler."""

from __future__ import annotations

from engine.events import ExecutionComplete
from engine.memory import InMemoryEngine
from engine.messages import CancelStage, CompleteExecution, StartWaitingExecutions
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def test_success_when_every_stage_succeeded(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    by_ref(execution, "1").status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, CompleteExecution(execution.id)) == []
    stored = engine.execution(execution.id)
    assert (stored.status, stored.end_time) == (Status.SUCCEEDED, engine.clock.now_ms())
    assert engine.events.events[-1] == ExecutionComplete(
        execution.id, "app", Status.SUCCEEDED, "p1"
    )


def test_a_failure_cancels_running_branches(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", polls=5))
    by_ref(execution, "1").status = Status.TERMINAL
    save(engine, execution)
    assert handle(engine, CompleteExecution(execution.id)) == [
        (CancelStage(execution.id, by_ref(execution, "2").id), 0)
    ]
    assert engine.execution(execution.id).status == Status.TERMINAL


def test_waits_while_another_branch_runs(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", polls=5))
    by_ref(execution, "1").status = Status.STOPPED
    save(engine, execution)
    assert handle(engine, CompleteExecution(execution.id)) == []
    assert engine.execution(execution.id).status == Status.RUNNING


def test_frees_the_slot_of_a_limited_pipeline(engine: InMemoryEngine) -> None:
    execution = started(
        engine, stage("1", polls=1), limitConcurrent=True, keepWaitingPipelines=True
    )
    by_ref(execution, "1").status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, CompleteExecution(execution.id)) == [
        (StartWaitingExecutions("p1", purge_queue=False), 0)
    ]


def test_duplicates_are_ignored(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    by_ref(execution, "1").status = Status.SUCCEEDED
    save(engine, execution)
    handle(engine, CompleteExecution(execution.id))
    events = len(engine.events.events)
    assert handle(engine, CompleteExecution(execution.id)) == []
    assert len(engine.events.events) == events
