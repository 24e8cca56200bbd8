"""Celery tasks of the scale-out mode: deliver the queued messages of one unit of work, and the
periodic recovery sweep. The engine decides what runs; Celery only carries the wake-ups."""

from __future__ import annotations

import threading

from celery import shared_task

from apps.executions import runtime
from apps.executions.sweep import sweep

_parts = threading.local()


def _engine() -> runtime.EngineParts:
    parts = getattr(_parts, "value", None)
    if parts is None:
        parts = _parts.value = runtime.build_engine(cache_size=512)
    return parts


@shared_task(name="executions.drain", acks_late=True, ignore_result=True)
def drain(key: str) -> int:
    return runtime.drain_key(_engine(), key)


@shared_task(name="executions.sweep", ignore_result=True)
def recovery_sweep() -> dict[str, int]:
    report = sweep(queue=_engine().queue, now_ms=runtime.CLOCK.now_ms(), notify=celery_notify)
    return report.__dict__


def celery_notify(key: str, due_at: int, row_id: int) -> None:
    countdown = max(0.0, (due_at - runtime.CLOCK.now_ms()) / 1000)
    drain.apply_async(args=[key], countdown=countdown)
