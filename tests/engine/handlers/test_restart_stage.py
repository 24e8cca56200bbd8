"""RestartStage handler."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import RestartStage, StartExecution, StartStage
from engine.status import Status
from tests.engine.support import by_ref, handle, pipeline, run, save, stage, started


def test_restart_resets_the_stage_and_everything_downstream(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("1", before=[{"name": "b"}]),
        stage("2", "1", outcome="TERMINAL"),
        stage("3", "2"),
        stage("4"),
    )
    assert execution.status == Status.TERMINAL
    engine.clock.advance(60_000)
    one = by_ref(execution, "1")
    assert handle(engine, RestartStage(execution.id, one.id, user="bob")) == [
        (StartStage(execution.id, one.id), 0)
    ]
    stored = engine.execution(execution.id)
    assert stored.status == Status.RUNNING
    assert stored.end_time is None
    restarted = by_ref(stored, "1")
    assert (restarted.status, restarted.start_time, restarted.tasks) == (
        Status.NOT_STARTED,
        None,
        [],
    )
    assert restarted.context["restartDetails"]["restartedBy"] == "bob"
    assert restarted.context["restartDetails"]["restartTime"] == engine.clock.now_ms()
    assert stored.stage_by_ref("1<1") is None  # synthetic stages are dropped
    assert by_ref(stored, "2").status == Status.NOT_STARTED
    assert "exception" not in by_ref(stored, "2").context
    assert by_ref(stored, "3").status == Status.NOT_STARTED
    assert by_ref(stored, "4").status == Status.SUCCEEDED  # not downstream


def test_previous_exception_moves_into_restart_details(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1", **{"raise": "boom"}))
    one = by_ref(execution, "1")
    handle(engine, RestartStage(execution.id, one.id, user="bob"))
    context = by_ref(engine.execution(execution.id), "1").context
    assert "exception" not in context
    assert context["restartDetails"]["previousException"]["details"]["error"] == "boom"


def test_restart_of_a_synthetic_stage_restarts_its_top_level_stage(
    engine: InMemoryEngine,
) -> None:
    execution = run(engine, stage("1", before=[{"name": "b", "context": {"outcome": "TERMINAL"}}]))
    child = by_ref(execution, "1<1")
    assert handle(engine, RestartStage(execution.id, child.id, user="bob")) == [
        (StartStage(execution.id, by_ref(execution, "1").id), 0)
    ]


def test_a_running_stage_is_not_restarted(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    assert handle(engine, RestartStage(execution.id, by_ref(execution, "1").id, user="b")) == []


def test_restart_waits_for_a_free_slot_when_limited(engine: InMemoryEngine) -> None:
    finished = run(engine, stage("1", outcome="TERMINAL"), limitConcurrent=True)
    busy = save(engine, pipeline(engine, stage("1", polls=9), limitConcurrent=True))
    handle(engine, StartExecution(busy.id))
    message = RestartStage(finished.id, by_ref(finished, "1").id, user="bob")
    assert handle(engine, message) == []
    assert engine.execution(finished.id).status == Status.NOT_STARTED
    assert engine.gate.parked("p1") == [message]
