"""EventPublisher: after commit, engine events go to the Channels groups `execution.<id>` and
`application.<id>` (live updates) and to in-process listeners (notifications, triggers)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from apps.core.channel_layers import ThreadSafeInMemoryChannelLayer
from apps.executions.adapters.repository import application_id_of
from apps.executions.models import Execution as ExecutionRow
from engine.events import EngineEvent, ExecutionEvent, MessageDropped

logger = logging.getLogger(__name__)

Listener = Callable[[EngineEvent], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Called with every engine event after its transaction commits (errors are logged)."""
    if listener not in _listeners:
        _listeners.append(listener)


def event_payload(event: EngineEvent) -> dict[str, Any]:
    data: dict[str, Any] = {"event": type(event).__name__}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if isinstance(value, Enum):
            value = value.value
        elif dataclasses.is_dataclass(value):
            value = type(value).__name__
        data[field.name] = value
    return data


def execution_group(execution_id: str) -> str:
    return f"execution.{execution_id}"


def application_group(application_id: int) -> str:
    return f"application.{application_id}"


class ChannelsEventPublisher:
    """Implements `engine.ports.EventPublisher`."""

    def __init__(self) -> None:
        self._application_ids: dict[str, int] = {}
        self._local = threading.local()

    def publish(self, event: EngineEvent) -> None:
        # Events of one transaction leave together after its commit: watchers first, then
        # the listeners (notifications, triggers), so their work never delays a live update.
        pending = getattr(self._local, "pending", None)
        if pending is None:
            pending = self._local.pending = []
        if not pending:
            transaction.on_commit(self._flush, robust=True)
        pending.append(event)

    def _flush(self) -> None:
        events, self._local.pending = self._local.pending, []
        for event in events:
            if isinstance(event, MessageDropped):
                logger.info("engine dropped %s: %s", type(event.message).__name__, event.reason)
            elif isinstance(event, ExecutionEvent):
                self._broadcast(event)
        for event in events:
            for listener in list(_listeners):
                try:
                    listener(event)
                except Exception:
                    logger.exception(
                        "event listener %r failed on %s", listener, type(event).__name__
                    )

    def _application_id(self, execution_id: str) -> int | None:
        found = self._application_ids.get(execution_id) or application_id_of(execution_id)
        if found is None:
            found = (
                ExecutionRow.objects.filter(pk=execution_id)
                .values_list("application_id", flat=True)
                .first()
            )
            if found is not None:
                if len(self._application_ids) > 10_000:
                    self._application_ids.clear()
                self._application_ids[execution_id] = found
        return found

    def _broadcast(self, event: ExecutionEvent) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        payload = {"type": "event", **event_payload(event)}
        # Encoded once here, not once per watcher.
        message = {
            "type": "engine.event",
            "payload": payload,
            "text": json.dumps(payload, separators=(",", ":")),
        }
        groups = [execution_group(event.execution_id)]
        application_id = self._application_id(event.execution_id)
        if application_id is not None:
            groups.append(application_group(application_id))
        # Asked of the class: the Redis pub/sub layer proxies unknown attributes to a
        # per-event-loop object and raises outside a running loop.
        if isinstance(layer, ThreadSafeInMemoryChannelLayer):
            layer.group_send_threadsafe(groups, message)  # straight onto the server's loop
            return
        _sender.send(layer, groups, message)


class _GroupSender:
    """Sends to the channel layer from one long-lived event loop thread, in order.

    `async_to_sync` per event would start a thread per call (about a millisecond each). One
    queue drained by one coroutine keeps events in commit order for every watcher.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[Any, list[str], dict[str, Any]]] | None = None
        self._lock = threading.Lock()
        self._pid = 0

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked worker process inherits the object but not the thread: start anew.
            if self._loop is None or self._loop.is_closed() or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                self._queue = asyncio.Queue()
                threading.Thread(
                    target=self._run, args=(loop,), name="cdp-live-updates", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        assert self._queue is not None
        while True:
            layer, groups, message = await self._queue.get()
            for group in groups:
                try:
                    await layer.group_send(group, message)
                except Exception:
                    logger.exception("live update to %s not delivered", group)

    def send(self, layer: Any, groups: list[str], message: dict[str, Any]) -> None:
        loop = self._ensure_loop()
        queue = self._queue
        assert queue is not None
        loop.call_soon_threadsafe(queue.put_nowait, (layer, groups, message))


_sender = _GroupSender()
