"""CancelExecution, CancelStage and RescheduleExecution handlers."""

from __future__ import annotations

from engine.events import ExecutionComplete
from engine.memory import InMemoryEngine
from engine.messages import (
    CancelExecution,
    CancelStage,
    RescheduleExecution,
    ResumeStage,
    RunTask,
    StartExecution,
)
from engine.status import Status
from tests.engine.support import by_ref, handle, pipeline, save, stage, started


def test_cancel_flags_the_run_and_reschedules_its_tasks(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    assert handle(engine, CancelExecution(execution.id, user="bob", reason="wrong tag")) == [
        (RescheduleExecution(execution.id), 0)
    ]
    stored = engine.execution(execution.id)
    assert (stored.canceled, stored.canceled_by, stored.cancellation_reason) == (
        True,
        "bob",
        "wrong tag",
    )
    assert stored.status == Status.RUNNING  # settles once its tasks stop


def test_cancel_resumes_paused_stages_so_they_see_it(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    one.status = Status.PAUSED
    one.tasks[0].status = Status.PAUSED
    execution.mark_paused(user="bob", now=engine.clock.now_ms())
    save(engine, execution)
    assert handle(engine, CancelExecution(execution.id, user="bob")) == [
        (ResumeStage(execution.id, one.id), 0),
        (RescheduleExecution(execution.id), 0),
    ]
    assert engine.execution(execution.id).status == Status.RUNNING


def test_cancel_of_a_parked_run_withdraws_it(engine: InMemoryEngine) -> None:
    started(engine, stage("1", polls=5), limitConcurrent=True)
    waiting = save(engine, pipeline(engine, stage("1"), limitConcurrent=True))
    handle(engine, StartExecution(waiting.id))
    assert engine.gate.parked("p1")
    assert handle(engine, CancelExecution(waiting.id, user="bob")) == []
    assert engine.gate.parked("p1") == []
    assert engine.execution(waiting.id).status == Status.CANCELED
    assert engine.events.events[-1] == ExecutionComplete(waiting.id, "app", Status.CANCELED, "p1")


def test_cancel_of_a_finished_run_is_ignored(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    execution.status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, CancelExecution(execution.id, user="bob")) == []
    assert not engine.execution(execution.id).canceled


def test_reschedule_supersedes_queued_polls(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5), stage("2", polls=5))
    one, two = by_ref(execution, "1"), by_ref(execution, "2")
    generation = one.tasks[0].run_generation
    assert handle(engine, RescheduleExecution(execution.id)) == [
        (RunTask(execution.id, one.id, "1", generation + 1), 0),
        (RunTask(execution.id, two.id, "1", generation + 1), 0),
    ]
    stale = RunTask(execution.id, one.id, "1", generation)
    assert handle(engine, stale) == []


def test_cancel_stage_wakes_running_tasks_of_the_stage_and_its_children(
    engine: InMemoryEngine,
) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 5}}]))
    one, child = by_ref(execution, "1"), by_ref(execution, "1<1")
    assert handle(engine, CancelStage(execution.id, one.id)) == [
        (RunTask(execution.id, child.id, "1", child.tasks[0].run_generation + 1), 0)
    ]


def test_cancel_stage_lets_a_halted_stage_type_clean_up(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    one.status = Status.CANCELED
    save(engine, execution)
    assert handle(engine, CancelStage(execution.id, one.id)) == []
    assert by_ref(engine.execution(execution.id), "1").context["cancelCalled"] is True


def test_cancel_stage_of_a_successful_stage_does_nothing(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    one.status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, CancelStage(execution.id, one.id)) == []
    assert "cancelCalled" not in by_ref(engine.execution(execution.id), "1").context
