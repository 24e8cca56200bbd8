"""Keeps the trigger index in step with pipeline configs (called from every pipeline save)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.pipelines.models import Pipeline
from apps.triggers.matching import is_enabled
from apps.triggers.models import TriggerIndex
from apps.triggers.services.scheduling import next_tick, schedule_key
from engine.catalog import CATALOG


def _source(trigger: dict[str, Any]) -> str:
    source = str(trigger.get("source") or "").strip()
    # Git providers are names; a webhook's source is matched exactly as Echo does.
    return source.lower() if trigger.get("type") == "git" else source


def _fill(row: TriggerIndex, pipeline: Pipeline, trigger: dict[str, Any], position: int) -> None:
    row.team_id = pipeline.application.team_id
    row.application_id = pipeline.application_id
    row.position = position
    row.type = str(trigger["type"])
    # An incomplete trigger (saved with a warning) is indexed but never fires.
    row.enabled = is_enabled(trigger) and CATALOG.trigger_is_complete(trigger)
    row.pipeline_disabled = bool(pipeline.disabled)
    row.live = pipeline.deleted_at is None
    row.source = _source(trigger)[:200]
    row.upstream_pipeline_id = (
        str(trigger.get("pipeline") or "")[:64] if row.type == "pipeline" else ""
    )
    row.config = trigger
    # A secret typed into the JSON (Spinnaker's git `secret`) is honoured but not copied.


def _schedule_state(row: TriggerIndex) -> tuple[Any, ...]:
    return (schedule_key(row), row.enabled, row.pipeline_disabled, row.live)


def _reschedule(row: TriggerIndex, before: tuple[Any, ...] | None, now: datetime) -> None:
    if row.type != "cron" or not row.enabled:
        row.cron_next_at = None
        return
    if before == _schedule_state(row) and row.cron_next_at is not None:
        return
    # New, changed, re-enabled or undeleted: the schedule starts from now (no catch-up).
    row.cron_next_at = next_tick(row, after=now)


@transaction.atomic
def trigger_index_sync(*, pipeline: Pipeline, now: datetime | None = None) -> None:
    """Re-indexes the pipeline's triggers; rows of removed triggers go (with their secrets)."""
    moment = now or timezone.now()
    triggers = pipeline.config.get("triggers")
    existing = {row.trigger_id: row for row in TriggerIndex.objects.filter(pipeline=pipeline)}
    seen: set[str] = set()
    for position, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        if not isinstance(trigger, dict) or not isinstance(trigger.get("type"), str):
            continue
        trigger_id = str(trigger.get("id") or f"#{position}")[:128]
        if trigger_id in seen:
            continue
        seen.add(trigger_id)
        row = existing.get(trigger_id) or TriggerIndex(pipeline=pipeline, trigger_id=trigger_id)
        before = _schedule_state(row) if row.pk else None
        _fill(row, pipeline, trigger, position)
        _reschedule(row, before, moment)
        row.updated_at = moment
        row.save()
    gone = [row.pk for trigger_id, row in existing.items() if trigger_id not in seen]
    if gone:
        TriggerIndex.objects.filter(pk__in=gone).delete()


def trigger_index_rebuild(*, now: datetime | None = None) -> int:
    """Re-indexes every pipeline (deleted ones too); returns how many were indexed."""
    count = 0
    pipelines = Pipeline.objects.select_related("application").order_by("pk")
    for pipeline in pipelines.iterator(chunk_size=200):
        trigger_index_sync(pipeline=pipeline, now=now)
        count += 1
    return count


def trigger_token_rotate(*, row: TriggerIndex) -> TriggerIndex:
    """A new webhook URL for the trigger (the old one answers 404 from now on)."""
    row.token = uuid.uuid4()
    row.save(update_fields=["token"])
    return row


def trigger_secret_set(*, row: TriggerIndex, secret: str | None) -> TriggerIndex:
    """Sets (or with None, clears) the trigger's signing secret; it is never shown again."""
    row.secret = {"value": secret} if secret else {}
    row.save(update_fields=["secret"])
    return row
