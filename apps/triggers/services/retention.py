"""Retention: the delivery log keeps N days (outcomes go with their delivery)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.triggers.models import TriggerDelivery


def trigger_deliveries_purge(
    *, older_than_days: int, now: datetime | None = None, batch_size: int = 500
) -> int:
    """Deletes deliveries received more than `older_than_days` ago; returns how many.

    At least one day is kept: de-duplication of redelivered webhooks looks at recent rows.
    """
    if older_than_days < 1:
        raise ValueError("keep at least 1 day of deliveries")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    old = TriggerDelivery.objects.filter(received_at__lt=cutoff).order_by("pk")
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            TriggerDelivery.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
