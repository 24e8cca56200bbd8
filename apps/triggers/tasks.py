"""Celery tasks of the scale-out mode: the same pass the embedded loop makes, run by beat (cron
and retries) and right after an upstream run finishes (pipeline triggers)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="triggers.run", ignore_result=True)
def triggers_run() -> dict[str, int]:
    from apps.triggers.services import triggers_run_once

    return triggers_run_once()
