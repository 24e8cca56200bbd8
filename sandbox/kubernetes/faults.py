"""Fault injection: make the next N requests matching a method and path fail (or stall)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sandbox.kubernetes.errors import ApiError


@dataclass
class FaultRule:
    method: str  # "*" for any
    path: re.Pattern[str]
    code: int
    remaining: int  # -1 for unlimited
    message: str
    reason: str | None
    delay: float
    hits: int = 0


class FaultInjector:
    """Rules checked in order before each request; the first match with budget left fires."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        *,
        method: str = "*",
        path: str = ".*",
        code: int = 500,
        times: int = 1,
        message: str | None = None,
        reason: str | None = None,
        delay: float = 0.0,
    ) -> FaultRule:
        """Fail the next `times` matching requests with `code` (times=-1: until cleared).

        `path` is a regular expression searched in the request path (no query string).
        A `code` of 0 with a `delay` only slows the request down.
        """
        rule = FaultRule(
            method=method.upper(),
            path=re.compile(path),
            code=code,
            remaining=times,
            message=message or f"injected fault ({code})",
            reason=reason,
            delay=delay,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def match(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0:
                    continue
                if rule.method not in ("*", method) or not rule.path.search(path):
                    continue
                if rule.remaining > 0:
                    rule.remaining -= 1
                rule.hits += 1
                return rule
        return None

    @staticmethod
    def error(rule: FaultRule) -> ApiError | None:
        if not rule.code:
            return None
        return ApiError(rule.code, rule.message, reason=rule.reason, details={})
