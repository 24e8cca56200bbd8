"""The embedded mode's engine worker: one thread in the server process that delivers queued
messages as they become due. Messages live in the database, so a restart resumes them."""

from __future__ import annotations

import heapq
import logging
import threading

from django.db import close_old_connections, connections

from apps.core.conf import platform_settings
from apps.executions import runtime
from apps.executions.models import EngineMessage
from apps.executions.sweep import sweep

logger = logging.getLogger(__name__)

SCAN_INTERVAL_S = 2.0


class LocalWorker:
    def __init__(self) -> None:
        self._heap: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cdp-engine-worker", daemon=True)
        self._last_scan = 0.0
        self._last_sweep = 0.0

    # called after commit by whichever thread pushed a message
    def notify(self, key: str, due_at: int, row_id: int) -> None:
        with self._lock:
            heapq.heappush(self._heap, (due_at, key))
        self._wake.set()

    def start(self) -> LocalWorker:
        runtime.set_notifier(self.notify)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        runtime.set_notifier(None)
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        parts = runtime.build_engine(cache_size=512)
        try:
            while not self._stop.is_set():
                try:
                    self._step(parts)
                except Exception:
                    logger.exception("engine worker step failed")
                    close_old_connections()
                    self._stop.wait(1.0)
        finally:
            connections.close_all()

    def _step(self, parts: runtime.EngineParts) -> None:
        now_s = runtime.CLOCK.now_ms() / 1000
        if now_s - self._last_scan >= SCAN_INTERVAL_S:
            self._last_scan = now_s
            self._scan()
        if now_s - self._last_sweep >= platform_settings.SWEEP_INTERVAL_SECONDS:
            self._last_sweep = now_s
            sweep(queue=parts.queue, now_ms=runtime.CLOCK.now_ms(), notify=self.notify)
        with self._lock:
            due = self._heap[0][0] if self._heap else None
            if due is not None and due <= runtime.CLOCK.now_ms():
                _, key = heapq.heappop(self._heap)
            else:
                key = None
        if key is not None:
            runtime.drain_key(parts, key)
            return
        wait_s = SCAN_INTERVAL_S if due is None else max(0.0, (due - runtime.CLOCK.now_ms()) / 1000)
        self._wake.wait(min(wait_s, SCAN_INTERVAL_S))
        self._wake.clear()

    def _scan(self) -> None:
        """Rows written by other processes (management commands) or before a restart."""
        for key, due_at in (
            EngineMessage.objects.order_by("due_at").values_list("key", "due_at").distinct()[:1000]
        ):
            with self._lock:
                heapq.heappush(self._heap, (due_at, key))
