"""The embedded mode's trigger loop: a daemon thread that starts downstream pipelines and fires
cron ticks, woken early by the engine listener and otherwise every TRIGGER_POLL_SECONDS."""

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


class TriggerWorker:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TriggerWorker:
        self._thread = threading.Thread(target=self._run, name="cdp-triggers", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        _wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from apps.triggers.services import triggers_run_once

        while not self._stop.is_set():
            _wake.clear()
            close_old_connections()
            try:
                triggers_run_once()
            except Exception:
                logger.exception("the trigger loop failed; retrying")
            finally:
                close_old_connections()
            _wake.wait(float(platform_settings.TRIGGER_POLL_SECONDS))
