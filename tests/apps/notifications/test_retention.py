"""Finished deliveries and inbox messages keep N days; pending deliveries are never purged."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.notifications.models import DeliveryState, InboxMessage, NotificationDelivery
from apps.notifications.services.retention import notifications_purge
from tests.conftest import World


def delivery(world: World, state: str, days_ago: float) -> NotificationDelivery:
    return NotificationDelivery.objects.create(
        team=world.team,
        event="pipeline.complete",
        origin="application",
        channel_type="webhook",
        message={"title": "done"},
        state=state,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def inbox(world: World, days_ago: float) -> InboxMessage:
    return InboxMessage.objects.create(
        user=world.users["owner"],
        team=world.team,
        event="judgment",
        title="Waiting for you",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_old_finished_deliveries_and_inbox_messages_go(world: World) -> None:
    delivery(world, DeliveryState.SENT, 60)
    delivery(world, DeliveryState.FAILED, 45)
    stuck = delivery(world, DeliveryState.PENDING, 90)
    sending = delivery(world, DeliveryState.SENDING, 90)
    fresh = delivery(world, DeliveryState.SENT, 1)
    inbox(world, 60)
    recent = inbox(world, 2)

    assert notifications_purge(older_than_days=30, batch_size=1) == {"deliveries": 2, "inbox": 1}

    kept = set(NotificationDelivery.objects.values_list("pk", flat=True))
    assert kept == {stuck.pk, sending.pk, fresh.pk}
    assert list(InboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_command_reports_and_keeps_at_least_a_day(world: World) -> None:
    delivery(world, DeliveryState.SENT, 10)
    out = StringIO()
    call_command("purge_notifications", "--older-than-days", "7", stdout=out)
    assert out.getvalue().strip() == "deleted 1 deliveries and 0 inbox messages"
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("purge_notifications", "--older-than-days", "0")
