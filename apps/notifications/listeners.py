"""The engine listener: record what may deserve a message, then wake the delivery loop."""

from __future__ import annotations

from apps.core.conf import platform_settings
from engine.events import EngineEvent


def on_engine_event(event: EngineEvent) -> None:
    """Quick by contract: at most one insert, no network, no rendering."""
    from apps.notifications.services.dispatch import notification_event_record

    if not notification_event_record(event):
        return
    if str(platform_settings.ENGINE) == "celery":
        from apps.notifications.tasks import notifications_run

        notifications_run.delay()
    else:
        from apps.notifications.worker import wake

        wake()
