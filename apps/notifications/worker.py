"""The embedded mode's notification loop: expands engine events into messages and sends them
(with retries), woken by the listener or every NOTIFICATION_POLL_SECONDS."""

from __future__ import annotations

from apps.core.conf import platform_settings
from apps.core.loops import LoopThread


def _run_once() -> None:
    from apps.notifications.services import notifications_run_once

    notifications_run_once()


LOOP = LoopThread(
    name="cdp-notifications",
    work=_run_once,
    interval=lambda: platform_settings.NOTIFICATION_POLL_SECONDS,
)


def wake() -> None:
    """Asks the running loop (if any, in this process) to look for work now."""
    LOOP.wake()
