"""Clocks the simulated cloud reads time from, so tests can pin and advance it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as epoch seconds."""

    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to (for deterministic tests)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds

    def set(self, when: float) -> None:
        with self._lock:
            self._now = max(self._now, when)


def iso_utc(when: float | None) -> str | None:
    """Auto Scaling's timestamp format: ISO 8601, UTC, second precision, trailing Z."""
    if when is None:
        return None
    return datetime.fromtimestamp(int(when), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clb_time(when: float) -> str:
    """CLB's timestamp format (`2024-01-02 03:04:05`, UTC here)."""
    return datetime.fromtimestamp(int(when), tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_iso_utc(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
