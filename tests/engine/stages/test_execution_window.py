"""Execution windows: the time calculation and the synthetic before-stage."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.memory import FixedClock, InMemoryEngine
from engine.stages.execution_window import calendar_day, next_allowed_time
from engine.status import Status
from tests.engine.support import by_ref, make_engine, pipeline, run, stage

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_TO_FIVE = [{"startHour": 9, "startMin": 0, "endHour": 17, "endMin": 0}]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "whitelist", "days", "expected"),
    [
        ("2024-01-01 10:00", NINE_TO_FIVE, [], "2024-01-01 10:00"),  # inside
        ("2024-01-01 17:00", NINE_TO_FIVE, [], "2024-01-01 17:00"),  # the end minute counts
        ("2024-01-01 17:01", NINE_TO_FIVE, [], "2024-01-02 09:00"),
        ("2024-01-01 07:30", NINE_TO_FIVE, [], "2024-01-01 09:00"),
        # 2024-01-01 is a Monday (2); only Wednesdays (4) and Saturdays (7)
        ("2024-01-01 10:00", NINE_TO_FIVE, [4, 7], "2024-01-03 09:00"),
        ("2024-01-06 12:00", [], [7], "2024-01-06 12:00"),
        # crossing midnight: 22:00-02:00
        (
            "2024-01-01 01:00",
            [{"startHour": 22, "startMin": 0, "endHour": 2, "endMin": 0}],
            [],
            "2024-01-01 01:00",
        ),
        (
            "2024-01-01 03:00",
            [{"startHour": 22, "startMin": 0, "endHour": 2, "endMin": 0}],
            [],
            "2024-01-01 22:00",
        ),
        ("2024-01-01 03:00", [], [], "2024-01-01 03:00"),
    ],
)
def test_next_allowed_time(
    now: str, whitelist: list[dict[str, int]], days: list[int], expected: str
) -> None:
    assert next_allowed_time(_at(now), whitelist, days) == _at(expected)


def test_calendar_days_follow_java() -> None:
    assert calendar_day(_at("2024-01-07 00:00")) == 1  # Sunday
    assert calendar_day(_at("2024-01-01 00:00")) == 2  # Monday
    assert calendar_day(_at("2024-01-06 00:00")) == 7  # Saturday


def _windowed(**window: object) -> dict[str, object]:
    return stage(
        "1",
        restrictExecutionDuringTimeWindow=True,
        restrictedExecutionWindow={"whitelist": NINE_TO_FIVE, **window},
    )


def test_the_stage_waits_for_the_window_in_the_teams_time_zone(engine: InMemoryEngine) -> None:
    # 2024-01-01T00:00Z is 08:00 in Shanghai: the window opens an hour later.
    execution = run(engine, _windowed(), stage("2", "1"), time_zone="Asia/Shanghai")
    assert execution.status == Status.SUCCEEDED
    window = by_ref(execution, "1<0")
    assert window.type == "restrictExecutionDuringTimeWindow"
    assert window.parent_stage_id == by_ref(execution, "1").id
    assert window.end_time == int(_at("2024-01-01 09:00").timestamp() * 1000)
    assert by_ref(execution, "1").end_time == window.end_time


def test_the_same_window_in_utc_waits_longer(engine: InMemoryEngine) -> None:
    execution = run(engine, _windowed(), time_zone="UTC")
    assert by_ref(execution, "1<0").end_time == engine.clock.now_ms()
    assert engine.clock.now_ms() == 1_704_067_200_000 + 9 * 3_600_000


def test_skip_window_starts_the_stage_now(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, _windowed(), time_zone="UTC")
    engine.start(execution)
    engine.run(advance_clock=False)
    start = engine.clock.now_ms()
    parent = by_ref(engine.execution(execution.id), "1")
    engine.operations.skip_window(execution_id=execution.id, stage_id=parent.id, user="bob")
    engine.run(advance_clock=False)
    done = engine.execution(execution.id)
    assert done.status == Status.SUCCEEDED
    assert done.end_time == start


def test_jitter_adds_a_random_wait_unless_skipped_for_manual_runs() -> None:
    from engine.stages.builtin import builtin_registry
    from tests.engine.support import PathExpressions, ScriptedStage

    clock = FixedClock()
    expressions = PathExpressions()
    registry = builtin_registry(clock=clock, expressions=expressions, rng=random.Random(7))
    registry.register(ScriptedStage())
    engine = InMemoryEngine(clock=clock, registry=registry, expressions=expressions, snapshot=True)
    jitter = {"enabled": True, "minDelay": 30, "maxDelay": 60, "skipManual": True}
    start = clock.now_ms()
    webhook = run(engine, _windowed(days=[2], jitter=jitter), trigger={"type": "webhook"})
    window = by_ref(webhook, "1<0")
    assert [task.name for task in window.tasks] == [
        "suspendExecutionDuringTimeWindow",
        "waitForJitter",
    ]
    waited = window.context["waitTime"]
    assert 30 <= waited <= 60
    assert window.end_time == start + 9 * 3_600_000 + waited * 1000

    manual = run(make_engine(), _windowed(jitter=jitter), trigger={"type": "manual"})
    assert [task.name for task in by_ref(manual, "1<0").tasks] == [
        "suspendExecutionDuringTimeWindow"
    ]


def test_an_impossible_window_fails_the_stage(engine: InMemoryEngine) -> None:
    execution = run(engine, _windowed(whitelist=[{"startHour": 25, "endHour": 26}]))
    assert execution.status == Status.TERMINAL
    error = by_ref(execution, "1<0").context["exception"]["details"]["error"]
    assert "execution window" in error
