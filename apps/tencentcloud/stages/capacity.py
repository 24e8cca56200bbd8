"""Resize arithmetic (Orca's resize strategies): exact, relative, match the largest group."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from apps.tencentcloud.stages import config
from apps.tencentcloud.stages.model import Capacity

ACTIONS = ("scale_exact", "scale_up", "scale_down", "scale_to_cluster")


def _partial(value: Any) -> dict[str, int | None]:
    if value is None:
        return {"min": None, "max": None, "desired": None}
    if not isinstance(value, Mapping):
        raise config.ConfigError("capacity must be an object with min, max and desired")
    out: dict[str, int | None] = {}
    for key in ("min", "max", "desired"):
        item = value.get(key)
        if item is None or item == "":
            out[key] = None
            continue
        try:
            out[key] = int(item)
        except (TypeError, ValueError):
            raise config.ConfigError(
                f"capacity.{key} must be a whole number, got {item!r}"
            ) from None
        if (out[key] or 0) < 0:
            raise config.ConfigError(f"capacity.{key} must not be negative")
    return out


def merge(configured: Mapping[str, int | None], current: Capacity) -> Capacity:
    """Configured values win; the rest come from the current capacity, kept within bounds."""
    minimum = configured["min"] if configured["min"] is not None else current.min
    if configured["max"] is not None:
        maximum = configured["max"]
        minimum = min(minimum, maximum)
    else:
        maximum = max(minimum, current.max)
    if configured["desired"] is not None:
        desired = configured["desired"]
    else:
        desired = min(max(current.desired, minimum), maximum)
    return _bounded(minimum, maximum, desired)


def _bounded(minimum: int, maximum: int, desired: int) -> Capacity:
    maximum = max(maximum, desired)
    minimum = min(minimum, desired)
    return Capacity(max(minimum, 0), max(maximum, 0), max(desired, 0))


def scale_pct(capacity: Capacity, percentage: float) -> Capacity:
    """Only the desired size is scaled; the bounds stretch to admit it."""
    desired = math.ceil(capacity.desired * percentage / 100)
    return _bounded(capacity.min, capacity.max, desired)


def pin(capacity: Capacity, context: Mapping[str, Any]) -> Capacity:
    if config.flag(context, "pinCapacity"):
        return Capacity(capacity.desired, capacity.desired, capacity.desired)
    if config.flag(context, "pinMinimumCapacity"):
        return Capacity(capacity.desired, capacity.max, capacity.desired)
    return capacity


def target(
    context: Mapping[str, Any], current: Capacity, cluster: Sequence[Capacity] = ()
) -> Capacity:
    """What `resizeServerGroup` asks for, given the group's capacity (and its cluster's)."""
    action = str(context.get("action") or "")
    resize_type = str(context.get("resizeType") or "")
    if not action:
        action = "scale_up" if resize_type in ("pct", "incr") else "scale_exact"
    if action not in ACTIONS:
        raise config.ConfigError(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    pct = context.get("scalePct")
    num = context.get("scaleNum")
    if action == "scale_exact":
        merged = merge(_partial(context.get("capacity")), current)
        if pct not in (None, ""):
            merged = scale_pct(merged, config.number(context, "scalePct", 100))
        return pin(merged, context)
    if action in ("scale_up", "scale_down"):
        sign = 1 if action == "scale_up" else -1
        if pct not in (None, ""):
            factor = config.number(context, "scalePct", 0) / 100
            delta = [
                sign * math.ceil(value * factor)
                for value in (current.min, current.desired, current.max)
            ]
        elif num not in (None, ""):
            step = config.integer(context, "scaleNum", 0)
            delta = [sign * step] * 3
        else:
            raise config.ConfigError(f"{action} needs scalePct or scaleNum")
        return pin(
            _bounded(
                max(current.min + delta[0], 0),
                max(current.max + delta[2], 0),
                max(current.desired + delta[1], 0),
            ),
            context,
        )
    largest = Capacity(
        max([c.min for c in cluster] + [current.min]),
        max([c.max for c in cluster] + [current.max]),
        max([c.desired for c in cluster] + [current.desired]),
    )
    increment = 0
    if pct not in (None, ""):
        increment = math.ceil(largest.desired * abs(config.number(context, "scalePct", 0)) / 100)
    elif num not in (None, ""):
        increment = abs(config.integer(context, "scaleNum", 0))
    maximum = max(largest.max, largest.min)
    desired = min(max(largest.desired, largest.min) + increment, maximum)
    return pin(Capacity(min(largest.min, maximum), maximum, desired), context)
