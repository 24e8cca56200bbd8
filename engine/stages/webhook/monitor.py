"""`monitorWebhook`: poll the status endpoint and read status and progress by JSONPath."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from engine.failure import exception_details
from engine.model import Stage
from engine.outbound import (
    OutboundClient,
    OutboundError,
    OutboundRefused,
    OutboundResolutionError,
    OutboundTimeout,
)
from engine.ports import Clock
from engine.stages.webhook.calls import idempotency_key, response_record, send
from engine.stages.webhook.config import WebhookConfig
from engine.stages.webhook.paths import JsonPathError, read_json_path
from engine.status import Status
from engine.tasks import BaseTask, TaskResult, running_task

MONITOR_TIMEOUT_MS = 60 * 60 * 1000
FAST_POLL_MS = 1_000
SLOW_POLL_MS = 15_000
SLOW_AFTER_MS = 60_000


class MonitorWebhookTask(BaseTask):
    """Orca's MonitorWebhookTask: a number at `statusJsonPath` is percent complete (100 ends
    it), text is looked up in the success/canceled/terminal lists, anything else keeps polling.
    """

    retryable = True
    timeout_overridable = True

    def __init__(
        self,
        *,
        client: OutboundClient,
        clock: Clock,
        default_retry_status_codes: Collection[int],
    ) -> None:
        self._client = client
        self._clock = clock
        self._default_retry = frozenset(default_retry_status_codes)

    def execute(self, stage: Stage) -> TaskResult:
        config = WebhookConfig.of(stage)
        endpoint = config.status_endpoint or (config.url if config.monitor_only else None)
        previous = stage.context.get("webhook")
        webhook: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
        old = webhook.get("monitor") if isinstance(webhook.get("monitor"), dict) else {}
        monitor: dict[str, Any] = {}
        past = list(old.get("pastStatusCodes") or []) if isinstance(old, dict) else []
        if past:
            monitor["pastStatusCodes"] = past
        webhook["monitor"] = monitor
        if not endpoint:
            return _ended(Status.TERMINAL, webhook, "Missing required parameter: statusEndpoint")
        try:
            response = send(
                self._client,
                method="GET",
                url=endpoint,
                config=config,
                key=idempotency_key(stage, "monitor"),
            )
        except OutboundRefused as error:
            return _ended(Status.TERMINAL, webhook, str(error))
        except (OutboundResolutionError, OutboundTimeout) as error:
            monitor["error"] = f"{error}, will retry."
            return TaskResult(Status.RUNNING, {"webhook": webhook})
        except OutboundError as error:
            message = f"an exception occurred in webhook monitor to {endpoint}: {error}"
            return _ended(Status.TERMINAL, webhook, message)
        record = response_record(response)
        if response.status >= 400:
            if self._should_retry(response.status, config, past):
                monitor["pastStatusCodes"] = [*past, response.status]
                monitor["error"] = f"{endpoint} answered {response.status}, will retry."
                return TaskResult(Status.RUNNING, {"webhook": webhook})
            monitor["headers"] = record["headers"]
            message = (
                f"an exception occurred in webhook monitor to {endpoint}: "
                f"HTTP {response.status} {record['statusCode']}"
            )
            return _ended(Status.TERMINAL, webhook, message)
        monitor.update(record)
        if not config.status_json_path:
            return TaskResult(Status.SUCCEEDED, {"webhook": webhook})
        return _interpret(config, webhook, monitor, record.get("body"))

    def _should_retry(self, code: int, config: WebhookConfig, past: list[Any]) -> bool:
        if code in config.retries:
            return sum(1 for each in past if each == code) < config.retries[code]
        return code >= 500 or code in self._default_retry or code in config.retry_status_codes

    def backoff_ms(self, stage: Stage) -> int:
        """Every second for the first minute, then every 15 seconds."""
        task = running_task(stage)
        started = task.start_time if task is not None else None
        if started is not None and self._clock.now_ms() - started > SLOW_AFTER_MS:
            return SLOW_POLL_MS
        return FAST_POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return MONITOR_TIMEOUT_MS


def _ended(status: Status, webhook: dict[str, Any], error: str) -> TaskResult:
    webhook["monitor"]["error"] = error
    return TaskResult(status, {"webhook": webhook, "exception": exception_details(error)})


def _interpret(
    config: WebhookConfig, webhook: dict[str, Any], monitor: dict[str, Any], body: Any
) -> TaskResult:
    status_path = config.status_json_path or ""
    try:
        result = read_json_path(body, status_path)
    except JsonPathError as error:
        return _ended(Status.TERMINAL, webhook, f"Unable to parse status: {error}")
    if isinstance(result, list | dict) or result is None:
        monitor["resolvedValue"] = result
        return _ended(
            Status.TERMINAL,
            webhook,
            f"The json path '{status_path}' did not resolve to a single value",
        )
    if config.progress_json_path:
        try:
            progress = read_json_path(body, config.progress_json_path)
        except JsonPathError as error:
            return _ended(Status.TERMINAL, webhook, f"Unable to parse progress: {error}")
        if not isinstance(progress, str):
            monitor["resolvedValue"] = progress
            return _ended(
                Status.TERMINAL,
                webhook,
                f"The json path '{config.progress_json_path}' did not resolve to a String value",
            )
        monitor["progressMessage"] = progress
    context: dict[str, Any] = {"webhook": webhook}
    if isinstance(result, int | float) and not isinstance(result, bool):
        monitor["percentComplete"] = result
        return TaskResult(Status.SUCCEEDED if result == 100 else Status.RUNNING, context)
    text = str(result).lower() if isinstance(result, bool) else str(result)
    mapped = config.status_map().get(text.strip().upper())
    if mapped is None:
        return TaskResult(Status.RUNNING, context)
    if mapped == "TERMINAL":
        return _ended(
            Status.TERMINAL, webhook, f"The webhook reported {text!r}, one of the terminal statuses"
        )
    return TaskResult(Status(mapped), context)
