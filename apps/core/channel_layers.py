"""An in-memory channel layer that other threads can publish to (the embedded engine worker).

Channels' InMemoryChannelLayer keeps asyncio queues bound to the server's event loop; a
group_send from the worker thread's own loop would wake nobody. This one hands such calls
to the loop that owns the queues.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import InMemoryChannelLayer


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner_loop: asyncio.AbstractEventLoop | None = None

    def has_no_listeners(self) -> bool:
        """True until some consumer joined a group: publishers can skip sending."""
        return not self.groups

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
