"""Writes of the triggers app: the index, receiving deliveries, cron and pipeline triggers."""

from apps.triggers.services.chaining import pipeline_triggers_run_once, upstream_finished
from apps.triggers.services.index import (
    trigger_index_rebuild,
    trigger_index_sync,
    trigger_secret_set,
    trigger_token_rotate,
)
from apps.triggers.services.ratelimit import rate_limit_hit, rate_windows_prune
from apps.triggers.services.receiving import Received, Reception, delivery_receive
from apps.triggers.services.scheduling import cron_run_once
from apps.triggers.services.team_settings import (
    team_trigger_settings_get,
    team_trigger_settings_update,
)

__all__ = [
    "Received",
    "Reception",
    "cron_run_once",
    "delivery_receive",
    "pipeline_triggers_run_once",
    "rate_limit_hit",
    "rate_windows_prune",
    "team_trigger_settings_get",
    "team_trigger_settings_update",
    "trigger_index_rebuild",
    "trigger_index_sync",
    "trigger_secret_set",
    "trigger_token_rotate",
    "triggers_run_once",
    "upstream_finished",
]


def triggers_run_once() -> dict[str, int]:
    """One pass of the background work: downstream pipelines, cron ticks, old rate windows."""
    from django.utils import timezone

    now = timezone.now()
    return {
        "pipelineDeliveries": pipeline_triggers_run_once(now=now),
        "cronTicks": cron_run_once(now=now),
        "rateWindowsPruned": rate_windows_prune(now=now),
    }
