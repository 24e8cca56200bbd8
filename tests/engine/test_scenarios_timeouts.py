"""stageTimeoutMs: paused time excluded, inherited by synthetic stages; task timeouts."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, run, stage, statuses


def test_stage_timeout_fails_a_slow_stage(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1", polls=100, stageTimeoutMs=10_000), stage("2", "1"))
    assert execution.status == Status.TERMINAL
    assert statuses(execution) == {"1": "TERMINAL", "2": "NOT_STARTED"}
    # Polls are capped at the time left, so the timeout fires 1 ms after it is due.
    assert by_ref(execution, "1").end_time - by_ref(execution, "1").start_time == 10_001


def test_timeout_with_continue_pipeline_lets_downstream_run(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("1", polls=100, stageTimeoutMs=10_000, continuePipeline=True),
        stage("2", "1"),
    )
    assert statuses(execution) == {"1": "FAILED_CONTINUE", "2": "SUCCEEDED"}


def test_synthetic_children_use_the_nearest_ancestor_timeout(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("1", stageTimeoutMs=5_000, before=[{"name": "slow", "context": {"polls": 100}}]),
    )
    assert statuses(execution) == {"1": "TERMINAL", "1<1": "TERMINAL"}
    error = by_ref(execution, "1<1").context["exception"]["details"]["error"]
    assert "timed out" in error


def test_execution_window_wait_is_not_counted(engine: InMemoryEngine) -> None:
    # 2024-01-01 00:00 UTC; the window opens at 10:00, ten hours later.
    execution = run(
        engine,
        stage(
            "1",
            polls=3,
            stageTimeoutMs=60_000,
            restrictExecutionDuringTimeWindow=True,
            restrictedExecutionWindow={
                "whitelist": [{"startHour": 10, "startMin": 0, "endHour": 12, "endMin": 0}]
            },
        ),
    )
    assert execution.status == Status.SUCCEEDED
    assert by_ref(execution, "1<0").end_time == engine.clock.now_ms() - 3_000
