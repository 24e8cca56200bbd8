"""A periodic background loop for the embedded mode: a daemon thread that runs one pass of some
work, then sleeps until woken early or its interval ends (triggers, notifications)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)


class LoopThread:
    """Runs `work()` again and again; `wake()` cuts the current sleep short."""

    def __init__(
        self, *, name: str, work: Callable[[], object], interval: Callable[[], float]
    ) -> None:
        self.name = name
        self._work = work
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> LoopThread:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            close_old_connections()
            try:
                self._work()
            except Exception:
                logger.exception("the %s loop failed; retrying", self.name)
            finally:
                close_old_connections()
            self._wake.wait(float(self._interval()))
