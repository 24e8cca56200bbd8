"""What every simulated controller shares: the registry, the clock, tunables and wake-ups."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from sandbox.kubernetes.clock import Clock, parse_rfc3339, rfc3339
from sandbox.kubernetes.registry import Registry
from sandbox.kubernetes.store import Obj


@dataclass
class SimulationConfig:
    """Tunables of the simulation (all times in simulated seconds)."""

    pod_ready_seconds: float = 1.0
    pod_terminate_seconds: float = 0.0
    image_pull_backoff_seconds: float = 5.0
    restart_backoff_seconds: float = 10.0
    load_balancer_seconds: float = 0.0
    nodes: int = 1
    event_ttl_seconds: float = 3600.0


class Context:
    """Handed to each controller on every tick."""

    def __init__(self, registry: Registry, clock: Clock, config: SimulationConfig) -> None:
        self.registry = registry
        self.store = registry.store
        self.clock = clock
        self.config = config
        self.next_wake: float | None = None
        self._now = clock.now()
        # exact simulated times at which pods became ready (metav1.Time has 1 s precision)
        self.pod_ready_at: dict[str, float] = {}

    def begin(self) -> None:
        self._now = self.clock.now()

    def now(self) -> float:
        return self._now

    def stamp(self, when: float | None = None) -> str:
        return rfc3339(self._now if when is None else when)

    def wake_at(self, when: float) -> None:
        """Ask for a tick at `when` (simulated time) even if nothing changes before then."""
        if when <= self._now:
            when = self._now + 0.001
        if self.next_wake is None or when < self.next_wake:
            self.next_wake = when

    def ready_since(self, pod: Obj) -> float | None:
        exact = self.pod_ready_at.get(pod["metadata"]["uid"])
        if exact is not None:
            return exact
        for cond in (pod.get("status") or {}).get("conditions") or []:
            if cond.get("type") == "Ready" and cond.get("status") == "True":
                return parse_rfc3339(cond.get("lastTransitionTime"))
        return None

    def is_available(self, pod: Obj, min_ready_seconds: int) -> bool:
        since = self.ready_since(pod)
        if since is None:
            return False
        if min_ready_seconds <= 0:
            return True
        available_at = since + min_ready_seconds
        if available_at <= self._now:
            return True
        self.wake_at(available_at)
        return False


class Controller(Protocol):
    def reconcile(self, ctx: Context) -> None: ...


def is_ready(pod: Obj) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


def is_terminating(obj: Obj) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def is_finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def set_condition(
    conditions: list[dict[str, Any]],
    *,
    type_: str,
    status: str,
    now: str,
    reason: str | None = None,
    message: str | None = None,
    with_update_time: bool = False,
    probe_time: bool = False,
) -> list[dict[str, Any]]:
    """Upsert a condition, keeping lastTransitionTime while its status does not change."""
    current = next((c for c in conditions if c.get("type") == type_), None)
    if (
        current is not None
        and current.get("status") == status
        and current.get("reason") == reason
        and current.get("message") == message
    ):
        return conditions
    cond: dict[str, Any] = {"type": type_, "status": status}
    if probe_time:
        cond["lastProbeTime"] = None
    if with_update_time:
        cond["lastUpdateTime"] = now
    cond["lastTransitionTime"] = (
        current["lastTransitionTime"]
        if current is not None
        and current.get("status") == status
        and "lastTransitionTime" in current
        else now
    )
    if reason is not None:
        cond["reason"] = reason
    if message is not None:
        cond["message"] = message
    return [c for c in conditions if c.get("type") != type_] + [cond]


def scaled_value(value: Any, total: int, *, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if text.endswith("%"):
        try:
            percent = int(text[:-1])
        except ValueError:
            return 0
        raw = percent * total / 100
        return math.ceil(raw) if round_up else math.floor(raw)
    try:
        return int(text)
    except ValueError:
        return 0


def compact(status: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Drop zero-valued counters, as the Go types' `omitempty` does."""
    for key in keys:
        if not status.get(key):
            status.pop(key, None)
    return status
