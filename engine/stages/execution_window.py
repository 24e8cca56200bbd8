"""`restrictExecutionDuringTimeWindow`: the before-stage that waits until an allowed time window."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.model import Stage
from engine.ports import Clock
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.stages.wait import WaitTask, wait_skipped
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

WINDOW_KEY = "restrictedExecutionWindow"
MINUTES_PER_DAY = 24 * 60
MAX_POLL_MS = 15 * 60 * 1000
SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000


def calendar_day(moment: datetime) -> int:
    """Deck's and Orca's day numbers (java.util.Calendar): Sunday 1, Monday 2 ... Saturday 7."""
    return moment.isoweekday() % 7 + 1


def _minutes(window: Mapping[str, Any]) -> tuple[int, int]:
    start = int(window.get("startHour", 0)) * 60 + int(window.get("startMin", 0))
    end = int(window.get("endHour", 0)) * 60 + int(window.get("endMin", 0))
    if not (0 <= start < MINUTES_PER_DAY and 0 <= end < MINUTES_PER_DAY):
        raise ValueError(f"time window {dict(window)} is outside 00:00-23:59")
    return start, end


def _day_ranges(whitelist: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Half-open minute ranges within one day; the end minute itself is allowed, as in Orca."""
    ranges: list[tuple[int, int]] = []
    for window in whitelist:
        start, end = _minutes(window)
        if start > end:  # crosses midnight
            ranges.extend([(start, MINUTES_PER_DAY), (0, end + 1)])
        else:
            ranges.append((start, end + 1))
    return sorted(ranges) or [(0, MINUTES_PER_DAY)]


def next_allowed_time(
    now: datetime, whitelist: Sequence[Mapping[str, Any]], days: Sequence[int]
) -> datetime:
    """`now` if it is inside a window on an allowed day, else the next window's start."""
    if not whitelist and not days:
        return now
    ranges = _day_ranges(whitelist)
    zone = now.tzinfo
    for offset in range(8):
        day = now.date() + timedelta(days=offset)
        midnight = datetime.combine(day, time(0, 0), tzinfo=zone)
        if days and calendar_day(midnight) not in days:
            continue
        for start, end in ranges:
            opens = datetime.combine(day, time(start // 60, start % 60), tzinfo=zone)
            closes = midnight + timedelta(minutes=end)
            if opens <= now < closes:
                return now
            if opens > now:
                return opens
    raise ValueError("no allowed time within the next seven days for these windows")


def scheduled_time_ms(stage: Stage, now_ms: int) -> int:
    window = stage.context.get(WINDOW_KEY) or {}
    if not isinstance(window, dict):
        raise ValueError(f"{WINDOW_KEY} must be an object")
    try:
        zone = ZoneInfo(stage.execution.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    now = datetime.fromtimestamp(now_ms / 1000, tz=zone)
    allowed = next_allowed_time(now, window.get("whitelist") or [], window.get("days") or [])
    return now_ms if allowed == now else int(allowed.timestamp() * 1000)


class SuspendForWindowTask(BaseTask):
    """RUNNING until the window opens; its backoff is the time left (bounded, to re-check)."""

    external_effects = False  # reads and writes only through the engine

    retryable = True

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def execute(self, stage: Stage) -> TaskResult:
        if wait_skipped(stage):
            return TaskResult.succeeded()
        now = self._clock.now_ms()
        try:
            scheduled = scheduled_time_ms(stage, now)
        except (TypeError, ValueError) as error:
            return TaskResult.terminal(f"Could not calculate the execution window: {error}")
        if scheduled <= now:
            return TaskResult.succeeded()
        stage.scheduled_time = scheduled
        return TaskResult(Status.RUNNING)

    def backoff_ms(self, stage: Stage) -> int:
        remaining = (stage.scheduled_time or 0) - self._clock.now_ms()
        return min(max(remaining, 1_000), MAX_POLL_MS)

    def timeout_ms(self, stage: Stage) -> int | None:
        return SEVEN_DAYS_MS


class ExecutionWindowStage(BaseStageBuilder):
    """Planned by the engine before any stage with `restrictExecutionDuringTimeWindow: true`."""

    type = "restrictExecutionDuringTimeWindow"

    def __init__(self, *, clock: Clock, rng: random.Random | None = None) -> None:
        self.suspend = SuspendForWindowTask(clock)
        self.jitter = WaitTask(clock)
        self.tasks = (self.suspend, self.jitter)
        self._rng = rng or random.Random()  # noqa: S311 - jitter spreads load, not a secret

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        graph = [TaskDefinition("suspendExecutionDuringTimeWindow", self.suspend)]
        window = stage.context.get(WINDOW_KEY)
        jitter = window.get("jitter") if isinstance(window, dict) else None
        if (
            isinstance(jitter, dict)
            and jitter.get("enabled")
            and int(jitter.get("maxDelay", 0)) > 0
        ):
            manual = stage.execution.trigger.get("type") == "manual"
            if not (jitter.get("skipManual") and manual):
                low, high = int(jitter.get("minDelay", 0)), int(jitter["maxDelay"])
                stage.context.setdefault("waitTime", self._rng.randint(min(low, high), high))
                graph.append(TaskDefinition("waitForJitter", self.jitter))
        return graph
