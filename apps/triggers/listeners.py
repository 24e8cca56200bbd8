"""The engine listener: an upstream run finished, so pipeline triggers may have work."""

from __future__ import annotations

from apps.core.conf import platform_settings
from engine.events import EngineEvent, ExecutionComplete


def on_engine_event(event: EngineEvent) -> None:
    """Quick by contract: one indexed lookup and at most one insert, then a wake-up."""
    if not isinstance(event, ExecutionComplete):
        return
    from apps.triggers.services.chaining import upstream_finished

    recorded = upstream_finished(
        execution_id=event.execution_id,
        pipeline_config_id=event.pipeline_config_id,
        status=event.status.value,
    )
    if not recorded:
        return
    if str(platform_settings.ENGINE) == "celery":
        from apps.triggers.tasks import triggers_run

        triggers_run.delay()
    else:
        from apps.triggers.worker import wake

        wake()
