"""Webhook requests through the outbound client: headers, payload, idempotency key, results."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from engine.model import Stage
from engine.outbound import OutboundClient, OutboundResponse
from engine.stages.webhook.config import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY, WebhookConfig


def idempotency_key(stage: Stage, purpose: str = "") -> str:
    """The stage's key (minted when it was planned), suffixed per kind of request.

    It is stored before any request is sent, so a task run again after a crash sends the same
    key; a restart plans the stage again and mints a new one.
    """
    key = stage.context.get(IDEMPOTENCY_KEY)
    if not isinstance(key, str) or not key:
        key = f"{stage.execution.id}-{stage.id}-{stage.start_time}"
    return f"{key}-{purpose}" if purpose else key


def request_headers(config: WebhookConfig, key: str) -> dict[str, str]:
    """`customHeaders` (a list value is joined) plus the idempotency key, which always wins."""
    headers: dict[str, str] = {}
    for name, value in config.custom_headers.items():
        if value is None or str(name).lower() == IDEMPOTENCY_HEADER.lower():
            continue
        if isinstance(value, list | tuple):
            headers[str(name)] = ", ".join(str(item) for item in value)
        else:
            headers[str(name)] = str(value)
    headers[IDEMPOTENCY_HEADER] = key
    return headers


def encode_payload(payload: Any, headers: dict[str, str]) -> bytes | None:
    """Text is sent as is, anything else as JSON; Content-Type is set unless a header gave one."""
    if payload is None:
        return None
    if isinstance(payload, str):
        body, content_type = payload.encode("utf-8"), "text/plain; charset=utf-8"
    else:
        body, content_type = json.dumps(payload).encode("utf-8"), "application/json"
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type
    return body


def send(
    client: OutboundClient,
    *,
    method: str,
    url: str,
    config: WebhookConfig,
    key: str,
    payload: Any = None,
) -> OutboundResponse:
    headers = request_headers(config, key)
    body = encode_payload(payload, headers)
    return client.request(method, url, headers=headers, body=body)


def parse_body(response: OutboundResponse) -> Any:
    """JSON when it parses as JSON (by Content-Type or shape), else text; None when empty."""
    if not response.body:
        return None
    text = response.text()
    content_type = (response.header("Content-Type") or "").lower()
    if "json" in content_type or text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def status_name(code: int) -> str:
    """Spring's HttpStatus name (`OK`, `INTERNAL_SERVER_ERROR`), which Orca stores."""
    try:
        return HTTPStatus(code).name
    except ValueError:
        return str(code)


def response_record(response: OutboundResponse) -> dict[str, Any]:
    """`statusCode`, `statusCodeValue`, `headers` (first values) and the parsed `body`."""
    record: dict[str, Any] = {
        "statusCode": status_name(response.status),
        "statusCodeValue": response.status,
        "headers": dict(response.headers),
    }
    body = parse_body(response)
    if body is not None:
        record["body"] = body
    return record
