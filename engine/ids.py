"""Time-ordered ids (ULIDs) for executions and stages, stamped from the injectable clock."""

from __future__ import annotations

from ulid import ULID

from engine.ports import Clock


def new_id(clock: Clock) -> str:
    return str(ULID.from_timestamp(clock.now_ms() / 1000))
