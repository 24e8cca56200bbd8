"""The delivery log keeps N days: older deliveries go with their outcomes, newer ones stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.triggers.models import DeliveryOutcome, DeliveryStatus, TriggerDelivery
from apps.triggers.services.retention import trigger_deliveries_purge
from tests.conftest import World


def delivery(world: World, days_ago: float) -> TriggerDelivery:
    row = TriggerDelivery.objects.create(
        team=world.team,
        kind="webhook",
        source="ci",
        status=DeliveryStatus.NO_MATCH,
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    DeliveryOutcome.objects.create(delivery=row, result="not_matched", reason="branch")
    return row


def test_deliveries_older_than_the_window_go_with_their_outcomes(world: World) -> None:
    old = [delivery(world, 40), delivery(world, 31)]
    recent = delivery(world, 29)

    assert trigger_deliveries_purge(older_than_days=30, batch_size=1) == 2

    assert list(TriggerDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not DeliveryOutcome.objects.filter(delivery_id__in=[row.pk for row in old]).exists()
    assert DeliveryOutcome.objects.filter(delivery=recent).count() == 1


def test_the_command_reports_and_refuses_to_clear_the_replay_window(world: World) -> None:
    delivery(world, 10)
    out = StringIO()
    call_command("purge_trigger_deliveries", "--older-than-days", "7", stdout=out)
    assert out.getvalue().strip() == "deleted 1 trigger deliveries"
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("purge_trigger_deliveries", "--older-than-days", "0")
