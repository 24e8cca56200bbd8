"""Each robot's documented message body and signature (pure functions, no Django, no I/O).

- WeCom group robot: `{"msgtype": "markdown", "markdown": {"content"}}`, content at most
  4096 bytes; answers `{"errcode": 0}`.
- DingTalk custom robot: `{"msgtype": "markdown", "markdown": {"title", "text"}}`; with a
  signing secret, `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(secret,
  "<timestamp>\\n<secret>"))) go in the query string; answers `{"errcode": 0}`.
- Feishu custom bot: `{"msg_type": "post", "content": {"post": {<lang>: {title, content}}}}`;
  with a secret, `timestamp` (s) and `sign` = base64(HMAC-SHA256(key="<timestamp>\\n<secret>",
  message="")) go in the body; answers `{"code": 0}`.
- Generic webhook: the event as JSON; with a secret, `X-Signature-256: sha256=<hex>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from apps.notifications.messages import CHINESE, Message

WECOM_MAX_BYTES = 4096
DINGTALK_MAX_CHARACTERS = 20000


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode("utf-8", "ignore") + "..."


def wecom_body(message: Message) -> dict[str, Any]:
    return {
        "msgtype": "markdown",
        "markdown": {"content": _truncate_bytes(message.markdown(), WECOM_MAX_BYTES)},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot URL with `timestamp` and `sign` added (replacing any already there)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("timestamp", "sign")]
    query += [("timestamp", str(timestamp_ms)), ("sign", dingtalk_sign(secret, timestamp_ms))]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def dingtalk_body(message: Message) -> dict[str, Any]:
    text = message.markdown(heading="#### {}")[:DINGTALK_MAX_CHARACTERS]
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def feishu_body(message: Message, *, secret: str = "", timestamp_s: int = 0) -> dict[str, Any]:
    rows: list[list[dict[str, Any]]] = []
    if message.custom:
        rows.append([{"tag": "text", "text": message.custom}])
    rows.extend(
        [{"tag": "text", "text": f"{label}: {value}" if label else value}]
        for label, value in message.lines
    )
    if message.link:
        rows.append([{"tag": "a", "text": message.link_label, "href": message.link}])
    language = "zh_cn" if message.language == CHINESE else "en_us"
    body: dict[str, Any] = {
        "msg_type": "post",
        "content": {"post": {language: {"title": message.title, "content": rows}}},
    }
    if secret:
        body = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}
    return body


def webhook_body(message: Message, event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "title": message.title, "text": message.plain_text(), "link": message.link}


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def robot_error(channel_type: str, answer: Any) -> str | None:
    """Why a robot refused the message (its documented error fields), None when accepted."""
    if not isinstance(answer, dict):
        return "the robot did not answer JSON"
    if channel_type in ("wecom", "dingtalk"):
        code = answer.get("errcode")
        return None if code == 0 else f"errcode {code}: {answer.get('errmsg', '')}"
    if channel_type == "feishu":
        code = answer.get("code", answer.get("StatusCode"))
        return None if code == 0 else f"code {code}: {answer.get('msg', '')}"
    return None
