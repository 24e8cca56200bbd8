"""How every pipeline write ends: freshness checks, row locks, one revision per real change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from apps.pipelines.documents import canonical, epoch_ms, parse_update_ts
from apps.pipelines.models import ChangeSource, Pipeline

SYSTEM_USER = "system"


def locked_row(pipeline: Pipeline, *, allow_deleted: bool = False) -> Pipeline:
    """The pipeline re-read under a row lock (the caller runs inside a transaction)."""
    current = (
        Pipeline.objects.select_for_update()
        .select_related("application__team")
        .filter(pk=pipeline.pk)
        .first()
    )
    if current is None or (current.is_deleted and not allow_deleted):
        raise NotFound(f"Pipeline {pipeline.pk} not found.")
    return current


def _entity_tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def check_fresh(pipeline: Pipeline, *, if_match: str | None = None, update_ts: Any = None) -> None:
    """Refuses (409) a write based on an older version than the stored one."""
    stale = False
    if if_match:
        tags = _entity_tags(if_match)
        stale = "*" not in tags and pipeline.etag not in tags
    if update_ts is not None:
        sent = parse_update_ts(update_ts)
        if sent is None:
            raise ValidationFailed(
                [{"pointer": "/updateTs", "message": "updateTs must be epoch milliseconds."}]
            )
        stale = stale or sent != pipeline.update_ts
    if stale:
        raise Conflict(
            f"The pipeline was changed by {pipeline.last_modified_by or 'someone'} at "
            f"{pipeline.updated_at.isoformat()} (revision {pipeline.revision}) after you loaded "
            "it. Reload it and apply your change again.",
            code=ErrorCode.STALE,
            details={
                "revision": pipeline.revision,
                "updateTs": str(pipeline.update_ts),
                "lastModifiedBy": pipeline.last_modified_by,
            },
        )


def state_of(pipeline: Pipeline) -> tuple[Any, ...]:
    """Everything a revision records; equal states mean an identical save."""
    return (
        pipeline.name,
        canonical(pipeline.config),
        pipeline.disabled,
        tuple(sorted(pipeline.disabled_project_ids or [])),
        canonical(pipeline.lock),
        pipeline.lock_allows_api_updates,
        pipeline.deleted_at is None,
    )


def save_revision(
    pipeline: Pipeline,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    now: datetime | None = None,
) -> Pipeline:
    """Saves the pipeline as a new revision by `actor` (None: the system)."""
    moment = now or timezone.now()
    if not pipeline._state.adding:
        pipeline.revision += 1
    pipeline.update_ts = max(epoch_ms(moment), pipeline.update_ts + 1)
    pipeline.updated_at = moment
    pipeline.last_modified_by = getattr(actor, "username", None) or SYSTEM_USER
    pipeline.change_source = ChangeSource(kind)
    pipeline._history_user = actor  # type: ignore[attr-defined]
    pipeline._change_reason = note.strip() or None  # type: ignore[attr-defined]
    pipeline._history_date = moment  # type: ignore[attr-defined]
    pipeline.save()
    # Keep the trigger index (webhook URLs, cron schedules, pipeline triggers) in step.
    from apps.triggers.services.index import trigger_index_sync

    trigger_index_sync(pipeline=pipeline)
    return pipeline
