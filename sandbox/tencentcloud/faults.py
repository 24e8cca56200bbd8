"""Injected failures for the next N calls: API errors (throttling, InternalError) or HTTP 5xx."""

from __future__ import annotations

import threading
from dataclasses import dataclass

DEFAULT_MESSAGES = {
    "RequestLimitExceeded": "The request frequency exceeds the limit of this action; slow down.",
    "InternalError": "An internal error occurred. Please retry the request.",
}

ANY_ACTION = "*"


@dataclass
class Fault:
    action: str
    error: str | int  # an API error code, or an HTTP status for a raw (non-JSON) failure
    remaining: int
    message: str
    service: str | None


class FaultInjector:
    """Faults are consumed in the order they were added, one per matching call."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        action: str,
        error: str | int,
        *,
        times: int = 1,
        message: str | None = None,
        service: str | None = None,
    ) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        if isinstance(error, int) and not 400 <= error <= 599:
            raise ValueError("an HTTP fault must be a 4xx or 5xx status")
        text = message or (
            DEFAULT_MESSAGES.get(error, f"Injected fault {error}.")
            if isinstance(error, str)
            else ""
        )
        with self._lock:
            self._faults.append(Fault(action, error, times, text, service))

    def take(self, service: str, action: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.action not in (action, ANY_ACTION):
                    continue
                if fault.service not in (None, service):
                    continue
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
