"""A test message to a channel, queued like any other delivery (answers with its row)."""

from __future__ import annotations

from apps.notifications.messages import MessageFacts, render
from apps.notifications.models import DeliveryState, NotificationChannel, NotificationDelivery
from apps.notifications.services.dispatch import team_language


def channel_test(*, channel: NotificationChannel) -> NotificationDelivery:
    language = channel.language or team_language(channel.team)
    message = render(MessageFacts(event="test", channel=channel.name), language)
    return NotificationDelivery.objects.create(
        team=channel.team,
        event="test",
        origin="test",
        channel_type=channel.type,
        channel=channel,
        target=channel.name,
        recipients=channel.addresses,
        message={**message.as_dict(), "event": {"event": "test", "channel": channel.name}},
        state=DeliveryState.PENDING,
    )
