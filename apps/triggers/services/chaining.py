"""Pipeline triggers: when a run finishes, the pipelines of its team that wait for it start.

The engine's listener only records a pending delivery (one indexed lookup and one insert);
the trigger loop (or a Celery task) starts the downstream runs. The delivery's key is the
upstream execution id, so an event seen twice starts nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.triggers.matching import pipeline_status
from apps.triggers.models import (
    DeliveryKind,
    DeliveryStatus,
    OutcomeResult,
    TriggerDelivery,
    TriggerIndex,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)


def upstream_finished(*, execution_id: str, pipeline_config_id: str | None, status: str) -> bool:
    """Records a pending delivery if any trigger waits for this pipeline; True if recorded."""
    from apps.executions.models import Execution

    if not pipeline_config_id:
        return False
    waiting = TriggerIndex.objects.filter(
        type="pipeline", upstream_pipeline_id=pipeline_config_id, live=True, enabled=True
    )
    team_id = Execution.objects.filter(pk=execution_id).values_list("team_id", flat=True).first()
    if team_id is None or not waiting.filter(team_id=team_id).exists():
        return False
    try:
        with transaction.atomic():
            TriggerDelivery.objects.create(
                team_id=team_id,
                kind=DeliveryKind.PIPELINE,
                source=pipeline_config_id,
                event_type=status,
                external_id=execution_id,
                dedupe_key=f"pipeline:{execution_id}",
                status=DeliveryStatus.PENDING,
                verified=True,
                verification="engine event",
                summary={"executionId": execution_id, "status": status},
            )
    except IntegrityError:
        return False
    return True


def _claim_pending(now: datetime, limit: int) -> list[TriggerDelivery]:
    candidates = list(
        TriggerDelivery.objects.filter(kind=DeliveryKind.PIPELINE, status=DeliveryStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    stuck = list(
        TriggerDelivery.objects.filter(
            kind=DeliveryKind.PIPELINE, status=DeliveryStatus.PROCESSING, lease_until__lt=now
        ).values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates + stuck:
        # The conditional update is the claim: one worker wins each row.
        won = (
            TriggerDelivery.objects.filter(pk=pk)
            .filter(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.PROCESSING],
            )
            .exclude(status=DeliveryStatus.PROCESSING, lease_until__gte=now)
            .update(status=DeliveryStatus.PROCESSING, lease_until=now + LEASE)
        )
        if won:
            claimed.append(TriggerDelivery.objects.get(pk=pk))
    return claimed


def _chain_depth(trigger: dict[str, Any]) -> int:
    value = trigger.get("chainDepth")
    return value if isinstance(value, int) else 0


def _process(delivery: TriggerDelivery) -> None:
    from apps.executions.adapters.repository import DjangoExecutionRepository
    from apps.triggers.services.starting import outcome_for, start_for_trigger
    from engine.artifacts import execution_artifacts

    upstream = DjangoExecutionRepository().retrieve(delivery.external_id)
    status = pipeline_status(upstream.status.value)
    depth = _chain_depth(upstream.trigger) + 1
    rows = (
        TriggerIndex.objects.filter(
            team_id=delivery.team_id,
            type="pipeline",
            upstream_pipeline_id=delivery.source,
            live=True,
            enabled=True,
        )
        .select_related("team", "pipeline__application")
        .order_by("pk")
    )
    started = matched = 0
    for row in rows:
        wanted = row.config.get("status") or ["successful"]
        if status not in [str(each).lower() for each in wanted]:
            outcome_for(
                delivery, row, OutcomeResult.NOT_MATCHED, f"upstream {status}, not {wanted}"
            )
            continue
        matched += 1
        if depth > platform_settings.PIPELINE_TRIGGER_MAX_DEPTH:
            outcome_for(
                delivery,
                row,
                OutcomeResult.REFUSED,
                f"the chain of pipeline triggers is deeper than "
                f"{platform_settings.PIPELINE_TRIGGER_MAX_DEPTH} (a loop?)",
            )
            continue
        fields = {
            "parentExecutionId": upstream.id,
            "parentPipelineId": upstream.pipeline_config_id,
            "parentPipelineName": upstream.name,
            "parentPipelineApplication": upstream.application,
            "parentStatus": upstream.status.value,
            "chainDepth": depth,
        }
        outcome = start_for_trigger(
            delivery=delivery,
            row=row,
            fields=fields,
            artifacts=execution_artifacts(upstream),
            parameters=dict(upstream.trigger.get("parameters") or {}),
        )
        started += int(outcome.result == OutcomeResult.STARTED)
    if started:
        delivery.status = DeliveryStatus.STARTED
    elif matched:
        delivery.status = DeliveryStatus.NOT_STARTED
    else:
        delivery.status = DeliveryStatus.NO_MATCH
    delivery.processed_at = timezone.now()
    delivery.lease_until = None
    delivery.save(update_fields=["status", "processed_at", "lease_until"])


def pipeline_triggers_run_once(*, now: datetime | None = None, limit: int = 100) -> int:
    """Starts the downstream runs of finished upstream runs; returns deliveries processed."""
    moment = now or timezone.now()
    done = 0
    for delivery in _claim_pending(moment, limit):
        try:
            with transaction.atomic():
                _process(delivery)
            done += 1
        except Exception:
            logger.exception("pipeline trigger delivery %s failed", delivery.pk)
            TriggerDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.NOT_STARTED,
                reason="internal error while starting the downstream pipelines",
                processed_at=timezone.now(),
            )
    return done
