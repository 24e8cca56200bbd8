"""Runs the engine's local worker in the foreground (without the web server)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from apps.executions.worker import LocalWorker


class Command(BaseCommand):
    help = (
        "Deliver queued engine messages with the local transport until stopped "
        "(embedded mode's worker, as its own process)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        worker = LocalWorker().start()
        self.stdout.write("engine worker running (local transport); Ctrl-C to stop")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            worker.stop()
