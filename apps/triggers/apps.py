"""App config for triggers: the engine listener and the embedded trigger loop."""

from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "apps.triggers"
    label = "triggers"
    verbose_name = "Triggers"

    def ready(self) -> None:
        from apps.core.runtime import register_embedded_service
        from apps.executions.adapters.events import add_listener
        from apps.triggers.listeners import on_engine_event

        add_listener(on_engine_event)
        register_embedded_service(_start_trigger_loop)


def _start_trigger_loop(services) -> None:  # type: ignore[no-untyped-def]
    from apps.core.conf import platform_settings
    from apps.triggers.worker import LOOP

    if str(platform_settings.ENGINE) == "celery":
        services.lines.append("triggers: Celery beat runs cron and pipeline triggers")
        return
    LOOP.start()
    services.stoppers.append(LOOP.stop)
    services.lines.append("triggers: cron and pipeline-trigger loop in a thread")
