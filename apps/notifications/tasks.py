"""Celery task of the scale-out mode: one pass of the notification loop (after an engine event,
and from beat for retries and judgment reminders)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.run", ignore_result=True)
def notifications_run() -> dict[str, int]:
    from apps.notifications.services import notifications_run_once

    return notifications_run_once()
