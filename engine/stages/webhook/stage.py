"""The webhook stage type: create -> wait -> monitor -> bind artifacts, and its cancel hook."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.messages import Message
from engine.model import Stage
from engine.outbound import OutboundClient, OutboundError
from engine.ports import Clock
from engine.stages.bind_artifacts import TASK_NAME as BIND_TASK_NAME
from engine.stages.bind_artifacts import BindProducedArtifactsTask
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.stages.wait import WaitTask
from engine.stages.webhook.calls import idempotency_key, response_record, send
from engine.stages.webhook.config import IDEMPOTENCY_KEY, WebhookConfig
from engine.stages.webhook.create import CreateWebhookTask
from engine.stages.webhook.monitor import MonitorWebhookTask

TYPE = "webhook"


@dataclass(frozen=True)
class WebhookSettings:
    """Installation-wide webhook options (Orca's WebhookProperties)."""

    default_retry_status_codes: tuple[int, ...] = (429,)


class WebhookStage(BaseStageBuilder):
    """Orca's WebhookStage. Every request carries `X-Idempotency-Key`; see the engine README."""

    type = TYPE

    def __init__(
        self,
        *,
        client: OutboundClient,
        clock: Clock,
        settings: WebhookSettings | None = None,
        new_key: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        chosen = settings or WebhookSettings()
        self._client = client
        self._new_key = new_key
        self.create = CreateWebhookTask(
            client=client, default_retry_status_codes=chosen.default_retry_status_codes
        )
        self.wait = WaitTask(clock)
        self.monitor = MonitorWebhookTask(
            client=client, clock=clock, default_retry_status_codes=chosen.default_retry_status_codes
        )
        self.bind = BindProducedArtifactsTask()
        self.tasks = (self.create, self.wait, self.monitor, self.bind)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        config = WebhookConfig.of(stage)
        if config.monitor_only and not config.wait_for_completion:
            raise ValueError(
                "Can't specify monitorOnly = true and waitForCompletion = false at the same time"
            )
        # Minted while planning, so it is stored before any request carries it.
        stage.context.setdefault(IDEMPOTENCY_KEY, self._new_key())
        definitions: list[TaskDefinition] = []
        if not config.monitor_only:
            definitions.append(TaskDefinition("createWebhook", self.create))
        if config.wait_for_completion:
            if config.wait_before_monitor_s > 0:
                stage.context.setdefault("waitTime", config.wait_before_monitor_s)
                definitions.append(TaskDefinition("waitBeforeMonitorWebhook", self.wait))
            definitions.append(TaskDefinition("monitorWebhook", self.monitor))
        if "expectedArtifacts" in stage.context:
            definitions.append(TaskDefinition(BIND_TASK_NAME, self.bind))
        return definitions

    def prepare_for_restart(self, stage: Stage) -> None:
        """Forget the last call (and its key) so the restarted stage sends a new one."""
        context = stage.context
        webhook = context.pop("webhook", None)
        derived = webhook.get("statusEndpoint") if isinstance(webhook, dict) else None
        if derived is not None and context.get("statusEndpoint") == derived:
            context.pop("statusEndpoint", None)
        context.pop(IDEMPOTENCY_KEY, None)

    def cancel(self, stage: Stage) -> Sequence[Message] | None:
        """Call `cancelEndpoint` once, best effort; the outcome lands in `webhook.cancel`."""
        config = WebhookConfig.of(stage)
        previous = stage.context.get("webhook")
        webhook: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
        if not config.cancel_endpoint or config.signal_cancellation is False or "cancel" in webhook:
            return None
        try:
            response = send(
                self._client,
                method=config.cancel_method,
                url=config.cancel_endpoint,
                config=config,
                key=idempotency_key(stage, "cancel"),
                payload=config.cancel_payload,
            )
        except OutboundError as error:
            webhook["cancel"] = {"error": str(error)}
        else:
            webhook["cancel"] = response_record(response)
        stage.context["webhook"] = webhook
        return None
