"""The webhook stage's fields, read from its context with Orca's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.model import Stage

IDEMPOTENCY_KEY = "webhookIdempotencyKey"
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
STATUS_URL_RESOLUTIONS = ("getMethod", "locationHeader", "webhookResponse")
DEFAULT_FAIL_FAST_STATUS_CODES = (504,)


def flag(value: Any, default: bool = False) -> bool:
    """A boolean field that Deck may send as a string."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def status_codes(value: Any) -> tuple[int, ...]:
    """A list of HTTP status codes, or Deck's comma-separated text of them."""
    items: list[Any]
    if value is None:
        return ()
    if isinstance(value, str):
        items = [part for part in value.replace(";", ",").split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    codes: list[int] = []
    for item in items:
        try:
            codes.append(int(str(item).strip()))
        except ValueError:
            continue
    return tuple(codes)


def status_names(value: Any) -> tuple[str, ...]:
    """`successStatuses` & co: comma-separated, compared case-insensitively."""
    if value is None:
        return ()
    parts = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(str(part).strip().upper() for part in parts if str(part).strip())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class WebhookConfig:
    url: str | None
    method: str = "POST"
    payload: Any = None
    custom_headers: Mapping[str, Any] = field(default_factory=dict)
    fail_fast_status_codes: tuple[int, ...] = DEFAULT_FAIL_FAST_STATUS_CODES
    webhook_retry_status_codes: tuple[int, ...] = ()
    retry_status_codes: tuple[int, ...] = ()
    retries: Mapping[int, int] = field(default_factory=dict)  # status code -> max attempts
    wait_for_completion: bool = False
    monitor_only: bool = False
    status_url_resolution: str = "getMethod"
    status_url_json_path: str | None = None
    status_endpoint: str | None = None
    status_json_path: str | None = None
    progress_json_path: str | None = None
    success_statuses: tuple[str, ...] = ()
    canceled_statuses: tuple[str, ...] = ()
    terminal_statuses: tuple[str, ...] = ()
    cancel_endpoint: str | None = None
    cancel_method: str = "POST"
    cancel_payload: Any = None
    signal_cancellation: bool | None = None
    wait_before_monitor_s: float = 0
    expects_artifacts: bool = False

    @classmethod
    def of(cls, stage: Stage) -> WebhookConfig:
        context = stage.context
        headers = context.get("customHeaders")
        fail_fast = context.get("failFastStatusCodes", list(DEFAULT_FAIL_FAST_STATUS_CODES))
        signal = context.get("signalCancellation")
        return cls(
            url=_text(context.get("url")),
            method=(_text(context.get("method")) or "POST").upper(),
            payload=context.get("payload"),
            custom_headers=dict(headers) if isinstance(headers, Mapping) else {},
            fail_fast_status_codes=status_codes(fail_fast),
            webhook_retry_status_codes=status_codes(context.get("webhookRetryStatusCodes")),
            retry_status_codes=status_codes(context.get("retryStatusCodes")),
            retries=_retries(context.get("retries")),
            wait_for_completion=flag(context.get("waitForCompletion")),
            monitor_only=flag(context.get("monitorOnly")),
            status_url_resolution=_text(context.get("statusUrlResolution")) or "getMethod",
            status_url_json_path=_text(context.get("statusUrlJsonPath")),
            status_endpoint=_text(context.get("statusEndpoint")),
            status_json_path=_text(context.get("statusJsonPath")),
            progress_json_path=_text(context.get("progressJsonPath")),
            success_statuses=status_names(context.get("successStatuses")),
            canceled_statuses=status_names(context.get("canceledStatuses")),
            terminal_statuses=status_names(context.get("terminalStatuses")),
            cancel_endpoint=_text(context.get("cancelEndpoint")),
            cancel_method=(_text(context.get("cancelMethod")) or "POST").upper(),
            cancel_payload=context.get("cancelPayload"),
            signal_cancellation=None if signal is None else flag(signal),
            wait_before_monitor_s=_seconds(context.get("waitBeforeMonitor")),
            expects_artifacts=bool(context.get("expectedArtifacts")),
        )

    def status_map(self) -> dict[str, str]:
        """Status text -> SUCCEEDED / CANCELED / TERMINAL; later lists win, as in Orca."""
        mapping = dict.fromkeys(self.success_statuses, "SUCCEEDED")
        mapping.update(dict.fromkeys(self.canceled_statuses, "CANCELED"))
        mapping.update(dict.fromkeys(self.terminal_statuses, "TERMINAL"))
        return mapping


def _retries(value: Any) -> dict[int, int]:
    """`retries: {"503": {"maxAttempts": 3}}` -> {503: 3}."""
    if not isinstance(value, Mapping):
        return {}
    found: dict[int, int] = {}
    for code, setting in value.items():
        attempts = setting.get("maxAttempts") if isinstance(setting, Mapping) else setting
        try:
            found[int(code)] = int(str(attempts))
        except (TypeError, ValueError):
            continue
    return found


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0
