"""Helper process of `bench engine`: N WebSocket watchers of one application, timing receipts.

    python -m bench._ws_subscribers URL TOKEN N

Prints READY once every watcher has its snapshot, then one JSON line per received
ExecutionComplete event ({"execution_id", "at_ms"}) until stdin closes. One asyncio loop in
its own process, so the watchers never compete with the server for the interpreter.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect


async def watch(url: str, token: str, ready: asyncio.Queue[int]) -> None:
    async with connect(
        url, additional_headers={"Authorization": f"Token {token}"}, max_queue=None
    ) as ws:
        json.loads(await ws.recv())  # snapshot
        await ready.put(1)
        async for raw in ws:
            message = json.loads(raw)
            if message.get("event") == "ExecutionComplete":
                at = time.time_ns() / 1e6
                sys.stdout.write(
                    json.dumps({"execution_id": message["execution_id"], "at_ms": at}) + "\n"
                )
                sys.stdout.flush()


async def main(url: str, token: str, n: int) -> None:
    ready: asyncio.Queue[int] = asyncio.Queue()
    tasks = [asyncio.create_task(watch(url, token, ready)) for _ in range(n)]
    for _ in range(n):
        await ready.get()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
