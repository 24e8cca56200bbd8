"""The embedded mode's trigger loop: starts downstream pipelines and fires cron ticks, woken
early by the engine listener and otherwise every TRIGGER_POLL_SECONDS."""

from __future__ import annotations

from apps.core.conf import platform_settings
from apps.core.loops import LoopThread


def _run_once() -> None:
    from apps.triggers.services import triggers_run_once

    triggers_run_once()


LOOP = LoopThread(
    name="cdp-triggers", work=_run_once, interval=lambda: platform_settings.TRIGGER_POLL_SECONDS
)


def wake() -> None:
    """Asks the running loop (if any, in this process) to look for work now."""
    LOOP.wake()
