"""A real daphne server and the engine's local worker, in threads of the test process.

Twisted's reactor runs once per process, so the server is started once per session; tests
that use it need `transactional_db` (their data must be committed to be seen).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class LiveServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"


_server: LiveServer | None = None
_lock = threading.Lock()


def live_server() -> LiveServer:
    global _server
    with _lock:
        if _server is not None:
            return _server
        from daphne.server import Server

        from cdplatform.asgi import application

        server = Server(
            application=application,
            endpoints=["tcp:port=0:interface=127.0.0.1"],
            signal_handlers=False,
            verbosity=0,
        )
        thread = threading.Thread(target=server.run, name="daphne-tests", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.listening_addresses:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("daphne did not start listening")
            time.sleep(0.02)
        host, port = server.listening_addresses[0]
        _server = LiveServer(host=host, port=port)
        return _server


def wait_for(predicate: Any, *, timeout: float = 20.0, interval: float = 0.02) -> Any:
    """Polls until `predicate()` is truthy (bounded); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
