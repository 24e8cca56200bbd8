"""`webhook`: call an HTTP endpoint, poll its status if asked, call its cancel endpoint on halt."""

from __future__ import annotations

from engine.stages.webhook.stage import WebhookSettings, WebhookStage

__all__ = ["WebhookSettings", "WebhookStage"]
