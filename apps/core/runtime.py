"""Starts what the embedded mode runs inside the server process (sandboxes, engine worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class EmbeddedServices:
    """Handles of everything started in-process, stopped in reverse order."""

    lines: list[str] = field(default_factory=list)
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        while self.stoppers:
            stopper = self.stoppers.pop()
            try:
                stopper()
            except Exception:
                logger.exception("Stopping an embedded service failed")


def start_embedded_services(*, sandboxes: bool) -> EmbeddedServices:
    services = EmbeddedServices()
    if sandboxes:
        for starter in _sandbox_starters():
            starter(services)
    for starter in _worker_starters():
        starter(services)
    return services


def _sandbox_starters() -> list[Callable[[EmbeddedServices], None]]:
    return []


def _worker_starters() -> list[Callable[[EmbeddedServices], None]]:
    return []
