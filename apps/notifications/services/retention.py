"""Retention: finished notification deliveries and inbox messages keep N days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from apps.notifications.models import DeliveryState, InboxMessage, NotificationDelivery


def notifications_purge(
    *, older_than_days: int, now: datetime | None = None, batch_size: int = 500
) -> dict[str, int]:
    """Deletes sent or given-up deliveries and inbox messages older than `older_than_days`.

    Deliveries still pending or being sent are never touched, whatever their age.
    """
    if older_than_days < 1:
        raise ValueError("keep at least 1 day of notifications")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    finished = [DeliveryState.SENT, DeliveryState.FAILED]
    return {
        "deliveries": _delete(
            NotificationDelivery.objects.filter(state__in=finished, created_at__lt=cutoff),
            batch_size,
        ),
        "inbox": _delete(InboxMessage.objects.filter(created_at__lt=cutoff), batch_size),
    }


def _delete(rows: models.QuerySet, batch_size: int) -> int:
    deleted = 0
    while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            rows.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
