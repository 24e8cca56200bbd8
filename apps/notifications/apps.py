"""App config for notifications: the engine listener and the embedded delivery loop."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from apps.core.runtime import register_embedded_service
        from apps.executions.adapters.events import add_listener
        from apps.notifications.listeners import on_engine_event

        add_listener(on_engine_event)
        register_embedded_service(_start_notification_loop)


def _start_notification_loop(services) -> None:  # type: ignore[no-untyped-def]
    from apps.core.conf import platform_settings
    from apps.notifications.worker import LOOP

    if str(platform_settings.ENGINE) == "celery":
        services.lines.append("notifications: sent by Celery workers (beat retries)")
        return
    LOOP.start()
    services.stoppers.append(LOOP.stop)
    services.lines.append("notifications: delivery loop in a thread")
