"""An in-memory channel layer that other threads can publish to (the embedded engine worker).

Channels' InMemoryChannelLayer keeps asyncio queues bound to the server's event loop; a
group_send from the worker thread's own loop would wake nobody. This one hands such calls
to the loop that owns the queues.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from channels.layers import InMemoryChannelLayer


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    """Also cheaper per watcher than its parent: live-update fan-out to dozens of watchers is
    this layer's main job, and the parent deep-copies every message per channel, starts a
    task per send and sweeps every channel's queue for expired messages on every receive."""

    CLEAN_INTERVAL_S = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner_loop: asyncio.AbstractEventLoop | None = None
        self._cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at >= self.CLEAN_INTERVAL_S:
            self._cleaned_at = now
            super()._clean_expired()

    async def _send_shared(self, channel: str, message: dict[str, Any]) -> None:
        """Like send(), without the copy: engine events are built fresh and never mutated."""
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        # A watcher that stopped reading loses events, as with the parent's layer.
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait((time.time() + self.expiry, message))

    def group_send_threadsafe(self, groups: list[str], message: dict[str, Any]) -> bool:
        """From any thread: queue the sends on the owning loop, in order, without waiting.

        One hop straight to the server's loop (a relay thread would cost a second hand-over of
        the interpreter lock, milliseconds each). False when no consumer ever subscribed.
        """
        owner = self._owner_loop
        if owner is None or owner.is_closed():
            return False

        async def send_all() -> None:
            self._clean_expired()
            for group in groups:
                for channel in list(self.groups.get(group, {})):
                    await self._send_shared(channel, message)

        owner.call_soon_threadsafe(lambda: owner.create_task(send_all()))
        return True

    def _remember_loop(self) -> None:
        if self._owner_loop is None:
            self._owner_loop = asyncio.get_running_loop()

    def _foreign(self) -> asyncio.AbstractEventLoop | None:
        owner = self._owner_loop
        if owner is None or owner.is_closed():
            return None
        return owner if asyncio.get_running_loop() is not owner else None

    async def receive(self, channel: str) -> Any:
        self._remember_loop()
        return await super().receive(channel)

    async def group_add(self, group: str, channel: str) -> None:
        self._remember_loop()
        await super().group_add(group, channel)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        owner = self._foreign()
        if owner is not None:
            future = asyncio.run_coroutine_threadsafe(super().send(channel, message), owner)
            await asyncio.wrap_future(future)
            return
        await super().send(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        owner = self._foreign()
        if owner is not None:
            future = asyncio.run_coroutine_threadsafe(super().group_send(group, message), owner)
            await asyncio.wrap_future(future)
            return
        await super().group_send(group, message)
