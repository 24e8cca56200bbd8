"""WebSocket authentication: the console's session, or an API token for scripts."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import validate_host

from apps.users.selectors import token_authenticate


@database_sync_to_async
def _user_for_key(key: str) -> Any:
    token = token_authenticate(key=key)
    return token.user if token is not None and token.allows("read") else None


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class _TokenMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = _header(scope, b"origin")
        if origin is not None:
            host = urlsplit(origin).hostname or ""
            if not validate_host(host, settings.ALLOWED_HOSTS):
                await send({"type": "websocket.close", "code": 4403})
                return None
        key = None
        authorization = _header(scope, b"authorization")
        if authorization and authorization.split(" ", 1)[0].lower() in ("token", "bearer"):
            key = authorization.split(" ", 1)[1].strip()
        else:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            key = (query.get("token") or [None])[0]
        if key:
            user = await _user_for_key(key)
            if user is not None:
                scope = {**scope, "user": user}
        return await self.inner(scope, receive, send)


def TokenOrSessionAuthMiddleware(inner: Any) -> Any:
    """Session auth first (console), then a token from the header or `?token=`."""
    return AuthMiddlewareStack(_TokenMiddleware(inner))
