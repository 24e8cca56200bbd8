"""`createWebhook`: send the request; retry 5xx and configured codes, stop on fail-fast codes."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from engine.failure import exception_details
from engine.model import Stage
from engine.outbound import (
    OutboundClient,
    OutboundError,
    OutboundRefused,
    OutboundResolutionError,
    OutboundResponse,
    OutboundTimeout,
)
from engine.stages.webhook.calls import idempotency_key, response_record, send
from engine.stages.webhook.config import STATUS_URL_RESOLUTIONS, WebhookConfig
from engine.stages.webhook.paths import JsonPathError, read_json_path
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

CREATE_TIMEOUT_MS = 5 * 60 * 1000
FIRST_RETRY_MS = 10_000
MAX_RETRY_MS = 60_000


def failed(status: Status, webhook: dict[str, Any], error: str) -> TaskResult:
    """A result carrying `webhook.error` and, when it ends the task, `context.exception`."""
    webhook["error"] = error
    context: dict[str, Any] = {"webhook": webhook}
    if status != Status.RUNNING:
        context["exception"] = exception_details(error)
    return TaskResult(status, context)


class CreateWebhookTask(BaseTask):
    """Orca's CreateWebhookTask + WebhookResponseProcessor; results go to `context.webhook`."""

    retryable = True

    def __init__(self, *, client: OutboundClient, default_retry_status_codes: Collection[int]):
        self._client = client
        self._default_retry = frozenset(default_retry_status_codes)

    def execute(self, stage: Stage) -> TaskResult:
        config = WebhookConfig.of(stage)
        previous = stage.context.get("webhook")
        attempts = int(previous.get("attempts", 0)) + 1 if isinstance(previous, dict) else 1
        webhook: dict[str, Any] = {"attempts": attempts}
        if not config.url:
            return failed(Status.TERMINAL, webhook, "The webhook stage needs a url")
        where = f"for pipeline {stage.execution.id} to {config.url}"
        try:
            response = send(
                self._client,
                method=config.method,
                url=config.url,
                config=config,
                key=idempotency_key(stage),
                payload=config.payload,
            )
        except OutboundRefused as error:
            return failed(Status.TERMINAL, webhook, str(error))
        except OutboundResolutionError as error:
            return failed(
                Status.RUNNING,
                webhook,
                f"Remote host resolution failure {where}: {error}, will retry.",
            )
        except OutboundTimeout:
            # Only a GET is known to be safe to send again after a timeout.
            status = Status.RUNNING if config.method == "GET" else Status.TERMINAL
            retry = ", will retry." if status == Status.RUNNING else "."
            return failed(status, webhook, f"Timeout of the {config.method} request {where}{retry}")
        except OutboundError as error:
            return failed(
                Status.TERMINAL,
                webhook,
                f"An error occurred in the {config.method} request {where}: {error}",
            )
        webhook.update(response_record(response))
        code = response.status
        if code >= 400:
            return self._failure(config, webhook, code, where)
        if not 200 <= code < 400:
            return failed(Status.TERMINAL, webhook, f"The webhook request {where} failed: {code}")
        context: dict[str, Any] = {"webhook": webhook}
        if config.wait_for_completion:
            try:
                status_url = status_check_url(config, response, webhook.get("body"))
            except (JsonPathError, ValueError) as error:
                return failed(
                    Status.TERMINAL, webhook, f"Exception while resolving status check URL: {error}"
                )
            if not status_url:
                return failed(
                    Status.TERMINAL,
                    webhook,
                    "The status URL couldn't be resolved, but 'Wait for completion' is configured",
                )
            webhook["statusEndpoint"] = status_url
            context["statusEndpoint"] = status_url
        elif config.expects_artifacts:
            body = webhook.get("body")
            artifacts = body.get("artifacts") if isinstance(body, dict) else None
            if not isinstance(artifacts, list):
                return failed(
                    Status.TERMINAL,
                    webhook,
                    "The webhook response has no artifacts list for the expected artifacts",
                )
            context["artifacts"] = artifacts
        return TaskResult(Status.SUCCEEDED, context)

    def _failure(
        self, config: WebhookConfig, webhook: dict[str, Any], code: int, where: str
    ) -> TaskResult:
        if code in config.fail_fast_status_codes:
            return failed(
                Status.TERMINAL,
                webhook,
                f"Received status code {code}, which is configured to fail fast, "
                f"terminating stage {where}",
            )
        if code >= 500 or code in self._default_retry or code in config.webhook_retry_status_codes:
            return failed(
                Status.RUNNING,
                webhook,
                f"Error submitting webhook {where} with status code {code}, will retry.",
            )
        return failed(
            Status.TERMINAL, webhook, f"Error submitting webhook {where} with status code {code}."
        )

    def backoff_ms(self, stage: Stage) -> int:
        """10 s, then doubling up to a minute (the task gives up after five minutes)."""
        webhook = stage.context.get("webhook")
        attempts = int(webhook.get("attempts", 1)) if isinstance(webhook, dict) else 1
        return int(min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** max(0, attempts - 1)))

    def timeout_ms(self, stage: Stage) -> int | None:
        return CREATE_TIMEOUT_MS


def status_check_url(config: WebhookConfig, response: OutboundResponse, body: Any) -> str | None:
    """Orca's WebhookStatusCheckUrlRetriever: same URL, Location header, or a JSONPath."""
    resolution = config.status_url_resolution
    if resolution not in STATUS_URL_RESOLUTIONS:
        raise ValueError(f"statusUrlResolution must be one of {', '.join(STATUS_URL_RESOLUTIONS)}")
    url = config.url or ""
    found: Any
    if resolution == "getMethod":
        found = url
    elif resolution == "locationHeader":
        found = response.header("Location")
    else:
        if not config.status_url_json_path:
            raise ValueError(
                "statusUrlJsonPath is required with statusUrlResolution webhookResponse"
            )
        found = read_json_path(body, config.status_url_json_path)
    if found is None or found == "":
        return None
    status_url = str(found)
    if status_url == url:
        return status_url
    original, candidate = urlsplit(url), urlsplit(status_url)
    if not candidate.scheme or not candidate.netloc:
        return urljoin(url, status_url)
    if candidate.hostname == original.hostname and candidate.scheme != original.scheme:
        # The same host keeps the scheme the webhook was called with.
        return urlunsplit((original.scheme, *candidate[1:]))
    return status_url
