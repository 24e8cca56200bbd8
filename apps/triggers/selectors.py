"""Reads of the triggers app: the delivery log, a pipeline's indexed triggers, webhook URLs."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.core.conf import platform_settings
from apps.core.errors import ValidationFailed
from apps.pipelines.models import Pipeline
from apps.teams.models import Team
from apps.triggers import access
from apps.triggers.models import DeliveryOutcome, DeliveryStatus, TriggerDelivery, TriggerIndex


def trigger_event_list(
    *,
    user: Any,
    team: Team,
    pipeline: str = "",
    application: str = "",
    source: str = "",
    status: str = "",
    kind: str = "",
) -> QuerySet[TriggerDelivery]:
    deliveries = access.deliveries_for_user(user, team)
    if pipeline:
        try:
            deliveries = deliveries.filter(outcomes__pipeline_id=uuid.UUID(pipeline))
        except ValueError:
            raise ValidationFailed(
                [{"pointer": "/pipeline", "message": "Not a pipeline id."}]
            ) from None
    if application:
        deliveries = deliveries.filter(outcomes__application__name=application)
    if source:
        deliveries = deliveries.filter(source=source)
    if status:
        if status not in DeliveryStatus.values:
            raise ValidationFailed(
                [
                    {
                        "pointer": "/status",
                        "message": f"Use one of {', '.join(DeliveryStatus.values)}.",
                    }
                ]
            )
        deliveries = deliveries.filter(status=status)
    if kind:
        deliveries = deliveries.filter(kind=kind)
    outcomes = DeliveryOutcome.objects.select_related("application").order_by("id")
    return deliveries.distinct().prefetch_related(Prefetch("outcomes", queryset=outcomes))


def trigger_list_for_pipeline(*, pipeline: Pipeline) -> QuerySet[TriggerIndex]:
    return TriggerIndex.objects.filter(pipeline=pipeline).order_by("position")


def webhook_url(row: TriggerIndex, *, base: str = "") -> str:
    """The trigger's own receiving URL (PUBLIC_URL, else the request's base)."""
    root = (platform_settings.PUBLIC_URL or base).rstrip("/")
    return f"{root}/api/v1/webhooks/{row.token}"


def last_delivery(row: TriggerIndex) -> TriggerDelivery | None:
    return (
        TriggerDelivery.objects.filter(outcomes__pipeline_id=row.pipeline_id)
        .filter(outcomes__trigger_id=row.trigger_id)
        .order_by("-id")
        .first()
    )
