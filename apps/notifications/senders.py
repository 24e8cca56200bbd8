"""Sending one delivery: robots and webhooks through the platform's outbound policy, email
through Django's email backend. Failures raise SendError (retryable or not)."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from apps.core.conf import platform_settings
from apps.notifications import formats
from apps.notifications.messages import Message
from apps.notifications.models import NotificationDelivery
from engine.outbound import OutboundClient, OutboundError, OutboundRefused


class SendError(Exception):
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def _client() -> OutboundClient:
    from apps.executions.registry import outbound_client

    timeout = float(platform_settings.NOTIFICATION_TIMEOUT_SECONDS)
    policy = dataclasses.replace(
        outbound_client().policy,
        connect_timeout_s=timeout,
        read_timeout_s=timeout,
        max_response_bytes=64 * 1024,
        max_redirects=0,
    )
    return OutboundClient(policy=policy, user_agent="cdplatform-notifications")


def _target(delivery: NotificationDelivery) -> tuple[str, str]:
    """(url, secret) of a robot or webhook delivery."""
    source = (
        delivery.channel.credentials if delivery.channel is not None else delivery.direct_target
    )
    url = str(source.get("url") or "")
    if not url:
        raise SendError("the channel has no URL", retryable=False)
    return url, str(source.get("secret") or "")


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    try:
        response = _client().request(
            "POST", url, headers={"Content-Type": "application/json", **headers}, body=body
        )
    except OutboundRefused as error:
        raise SendError(f"refused by the outbound policy: {error.rule}", retryable=False) from None
    except OutboundError as error:
        raise SendError(f"{type(error).__name__}: {error}") from None
    try:
        answer = json.loads(response.body.decode("utf-8")) if response.body else None
    except (UnicodeDecodeError, ValueError):
        answer = None
    return response.status, answer


def _robot(delivery: NotificationDelivery, message: Message) -> None:
    url, secret = _target(delivery)
    kind = delivery.channel_type
    if kind == "wecom":
        body: dict[str, Any] = formats.wecom_body(message)
    elif kind == "dingtalk":
        body = formats.dingtalk_body(message)
        if secret:
            url = formats.dingtalk_url(url, secret, int(time.time() * 1000))
    else:
        body = formats.feishu_body(message, secret=secret, timestamp_s=int(time.time()))
    status, answer = _post(url, json.dumps(body, ensure_ascii=False).encode("utf-8"), {})
    if not 200 <= status < 300:
        raise SendError(f"HTTP {status}")
    problem = formats.robot_error(kind, answer)
    if problem is not None:
        raise SendError(problem)


def _webhook(delivery: NotificationDelivery, message: Message) -> None:
    url, secret = _target(delivery)
    event = dict(delivery.message.get("event") or {})
    raw = json.dumps(formats.webhook_body(message, event), ensure_ascii=False).encode("utf-8")
    headers = {"X-Signature-256": formats.webhook_signature(secret, raw)} if secret else {}
    status, _ = _post(url, raw, headers)
    if not 200 <= status < 300:
        raise SendError(f"HTTP {status}")


def _email(delivery: NotificationDelivery, message: Message) -> None:
    recipients = [str(each) for each in delivery.recipients if each]
    if not recipients:
        raise SendError("no email recipients", retryable=False)
    sender = platform_settings.NOTIFICATION_EMAIL_FROM or settings.DEFAULT_FROM_EMAIL
    try:
        send_mail(message.title, message.plain_text(), sender, recipients, fail_silently=False)
    except OSError as error:
        raise SendError(f"email not sent: {error}") from None


def send(delivery: NotificationDelivery) -> None:
    """Sends the delivery's message once; raises SendError when it did not arrive."""
    message = Message.from_dict(delivery.message)
    if delivery.channel_type in ("wecom", "dingtalk", "feishu"):
        _robot(delivery, message)
    elif delivery.channel_type == "webhook":
        _webhook(delivery, message)
    elif delivery.channel_type == "email":
        _email(delivery, message)
    else:
        raise SendError(f"unknown channel type {delivery.channel_type!r}", retryable=False)
