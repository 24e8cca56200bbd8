"""The base of every Tencent Cloud task: API access, error classification and retry bookkeeping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.tencentcloud.stages import config
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.description import DescriptionError
from apps.tencentcloud.stages.errors import CloudError, CloudStateError
from apps.tencentcloud.stages.sdk import ConnectionResolver
from engine.model import Stage
from engine.ports import Clock
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

RETRIES_KEY = "cloudRetries"
LAST_ERROR_KEY = "lastCloudError"
ERROR_KEY = "cloudError"
DEFAULT_POLL_MS = 10_000
RETRY_BASE_MS = 2_000
RETRY_CAP_MS = 60_000
# Consecutive retryable failures before the stage gives up (about 25 minutes of backoff).
MAX_RETRIES = 30
DEFAULT_WAIT_TIMEOUT_MS = 30 * 60 * 1000


@dataclass(frozen=True)
class Environment:
    """What the tasks get from `register`: accounts by name, the engine's clock, pacing."""

    connections: ConnectionResolver
    clock: Clock
    poll_ms: int = DEFAULT_POLL_MS
    request_timeout_s: int = 30

    def api(self, stage: Stage, region: str, account: str | None = None) -> CloudApi:
        name = account or config.account(stage.context)
        connection = self.connections(stage.execution, name)
        return CloudApi(connection, region, timeout=self.request_timeout_s)


def terminal(message: str, context: Mapping[str, Any] | None = None) -> TaskResult:
    details = {"error": message, "errors": [message]}
    return TaskResult(Status.TERMINAL, {**(context or {}), "exception": {"details": details}})


class CloudTask(BaseTask):
    """Subclasses implement `run(stage, progress)`; `progress` (a dict) is kept whatever happens.

    A retryable API error (throttling, 5xx, network, a busy group) polls again with exponential
    backoff; anything else fails the stage with the API's code and request id in the context."""

    retryable = True
    timeout_overridable = True

    def __init__(self, env: Environment) -> None:
        self.env = env

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        raise NotImplementedError

    def execute(self, stage: Stage) -> TaskResult:
        progress: dict[str, Any] = {}
        try:
            result = self.run(stage, progress)
        except CloudError as error:
            return self._cloud_error(stage, error, progress)
        except (config.ConfigError, DescriptionError, CloudStateError) as error:
            return terminal(str(error), progress)
        context = {**progress, **result.context}
        if stage.context.get(RETRIES_KEY):
            context[RETRIES_KEY] = 0
        return TaskResult(result.status, context, result.outputs, result.events)

    def _cloud_error(self, stage: Stage, error: CloudError, progress: dict[str, Any]) -> TaskResult:
        seen = int(stage.context.get(RETRIES_KEY) or 0)
        if (error.retryable or error.busy) and seen < MAX_RETRIES:
            context = {**progress, RETRIES_KEY: seen + 1, LAST_ERROR_KEY: error.as_context()}
            return TaskResult(Status.RUNNING, context)
        return terminal(str(error), {**progress, ERROR_KEY: error.as_context()})

    def backoff_ms(self, stage: Stage) -> int:
        retries = int(stage.context.get(RETRIES_KEY) or 0)
        if retries:
            return int(min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (retries - 1)))
        return self.poll_ms(stage)

    def poll_ms(self, stage: Stage) -> int:
        return self.env.poll_ms

    def timeout_ms(self, stage: Stage) -> int | None:
        return DEFAULT_WAIT_TIMEOUT_MS
