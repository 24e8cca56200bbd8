"""The embedded mode's notification loop: a daemon thread that expands engine events into
messages and sends them (with retries), woken by the listener or every few seconds."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from apps.core.conf import platform_settings

logger = logging.getLogger(__name__)

_wake = threading.Event()


def wake() -> None:
    """Asks a running loop (if any, in this process) to look for work now."""
    _wake.set()


class NotificationWorker:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> NotificationWorker:
        self._thread = threading.Thread(target=self._run, name="cdp-notifications", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        _wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from apps.notifications.services import notifications_run_once

        while not self._stop.is_set():
            _wake.clear()
            close_old_connections()
            try:
                notifications_run_once()
            except Exception:
                logger.exception("the notification loop failed; retrying")
            finally:
                close_old_connections()
            _wake.wait(float(platform_settings.NOTIFICATION_POLL_SECONDS))
