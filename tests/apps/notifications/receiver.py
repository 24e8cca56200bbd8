"""A local HTTP server standing in for the robots: it checks each documented body shape and
signature and answers the way the service does (errcode / code), recording every request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Robots:
    """Per-path secrets: /dingtalk/<name> and /feishu/<name> verify signatures with them."""

    secrets: dict[str, str] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # path -> answers 500 this often
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def at(self, prefix: str) -> list[Received]:
        with self.lock:
            return [each for each in self.received if each.path.startswith(prefix)]


def _dingtalk_answer(robots: Robots, request: Received) -> dict[str, Any]:
    body = request.json
    if body.get("msgtype") != "markdown" or not {"title", "text"} <= set(body.get("markdown", {})):
        return {"errcode": 40035, "errmsg": "invalid markdown"}
    secret = robots.secrets.get(request.path)
    if secret is None:
        return {"errcode": 0, "errmsg": "ok"}
    timestamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
    if not fresh or not hmac.compare_digest(sign, expected):
        return {"errcode": 310000, "errmsg": "sign not match"}
    return {"errcode": 0, "errmsg": "ok"}


def _feishu_answer(robots: Robots, request: Received) -> dict[str, Any]:
    body = request.json
    if body.get("msg_type") != "post" or "post" not in body.get("content", {}):
        return {"code": 9499, "msg": "Bad Request"}
    secret = robots.secrets.get(request.path)
    if secret is None:
        return {"code": 0, "msg": "success", "data": {}}
    timestamp = str(body.get("timestamp", ""))
    key = f"{timestamp}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
    if not fresh or not hmac.compare_digest(str(body.get("sign", "")), expected):
        return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
    return {"code": 0, "msg": "success", "data": {}}


def _wecom_answer(request: Received) -> dict[str, Any]:
    body = request.json
    content = body.get("markdown", {}).get("content", "")
    if body.get("msgtype") != "markdown" or not content or len(content.encode()) > 4096:
        return {"errcode": 40058, "errmsg": "invalid markdown content"}
    if "key" not in request.query:
        return {"errcode": 93000, "errmsg": "invalid webhook url"}
    return {"errcode": 0, "errmsg": "ok"}


class _Handler(BaseHTTPRequestHandler):
    robots: Robots

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        request = Received(
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length),
        )
        robots = self.robots
        with robots.lock:
            robots.received.append(request)
            failing = robots.failures.get(parts.path, 0)
            if failing:
                robots.failures[parts.path] = failing - 1
        if failing:
            self._answer(500, {"error": "unavailable"})
        elif parts.path.startswith("/wecom"):
            self._answer(200, _wecom_answer(request))
        elif parts.path.startswith("/dingtalk"):
            self._answer(200, _dingtalk_answer(robots, request))
        elif parts.path.startswith("/feishu"):
            self._answer(200, _feishu_answer(robots, request))
        else:
            self._answer(204, None)

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


class RobotServer:
    """`with RobotServer() as server:` serves on 127.0.0.1 (ephemeral port) in a thread."""

    def __init__(self) -> None:
        self.robots = Robots()
        handler = type("Handler", (_Handler,), {"robots": self.robots})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RobotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
