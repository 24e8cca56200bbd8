"""Clocks the simulated controllers read time from, so tests can pin and advance it."""

from __future__ import annotations

import functools
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
        with self._lock:
            self._now += seconds

    def set(self, when: float) -> None:
        with self._lock:
            self._now = max(self._now, when)


def rfc3339(when: float) -> str:
    """Kubernetes' metav1.Time format: second precision, UTC, trailing Z."""
    return _rfc3339_seconds(int(when))


@functools.lru_cache(maxsize=4096)
def _rfc3339_seconds(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = text.replace("Z", "+00:00")
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
