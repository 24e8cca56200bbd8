"""The `wait` stage."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, run, stage


def test_waits_the_given_seconds(engine: InMemoryEngine) -> None:
    start = engine.clock.now_ms()
    execution = run(engine, stage("1", type="wait", waitTime=30), stage("2", "1"))
    assert execution.status == Status.SUCCEEDED
    assert by_ref(execution, "1").end_time == start + 30_000


def test_wait_zero_completes_immediately(engine: InMemoryEngine) -> None:
    start = engine.clock.now_ms()
    execution = run(
        engine,
        *[stage(str(n), *([str(n - 1)] if n else []), type="wait", waitTime=0) for n in range(5)],
    )
    assert execution.status == Status.SUCCEEDED
    assert execution.end_time == start


def test_wait_time_may_be_an_expression(engine: InMemoryEngine) -> None:
    start = engine.clock.now_ms()
    execution = run(
        engine,
        stage("1", type="wait", waitTime="${parameters.soak}"),
        trigger={"type": "manual", "parameters": {"soak": "12"}},
    )
    assert by_ref(execution, "1").end_time == start + 12_000


def test_a_wait_time_that_is_not_a_number_fails(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1", type="wait", waitTime="${parameters.missing}"))
    assert execution.status == Status.TERMINAL
    error = by_ref(execution, "1").context["exception"]["details"]["error"]
    assert "waitTime must be a number" in error


def test_the_wait_polls_once_when_it_ends(engine: InMemoryEngine) -> None:
    run(engine, stage("1", type="wait", waitTime=3_600))
    assert engine.queue.delivered <= 9  # start, stage, task, 2 runs, complete task/stage/execution
