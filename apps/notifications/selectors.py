"""Reads of the notifications app: channels, rules, the delivery log, the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.applications.models import Application
from apps.core.errors import ValidationFailed
from apps.notifications import access
from apps.notifications.models import (
    ApplicationNotifications,
    DeliveryState,
    InboxMessage,
    NotificationChannel,
    NotificationDelivery,
)
from apps.notifications.services.dispatch import team_language
from apps.teams.models import Team


def channel_list(*, team: Team) -> QuerySet[NotificationChannel]:
    return NotificationChannel.objects.filter(team=team).order_by("name")


def application_rules(*, application: Application) -> list[dict[str, Any]]:
    config = ApplicationNotifications.objects.filter(application=application).first()
    return list(config.rules) if config is not None else []


def notification_language(*, team: Team) -> str:
    return team_language(team)


def delivery_list(
    *, user: Any, team: Team, state: str = "", application: str = "", execution: str = ""
) -> QuerySet[NotificationDelivery]:
    deliveries = access.deliveries_for_user(user, team).select_related("application", "channel")
    if state:
        if state not in DeliveryState.values:
            choices = ", ".join(DeliveryState.values)
            raise ValidationFailed([{"pointer": "/state", "message": f"Use one of {choices}."}])
        deliveries = deliveries.filter(state=state)
    if application:
        deliveries = deliveries.filter(application__name=application)
    if execution:
        deliveries = deliveries.filter(execution_id=execution)
    return deliveries


def inbox_list(*, user: Any, unread: bool = False) -> QuerySet[InboxMessage]:
    messages = InboxMessage.objects.filter(user=user).select_related("team")
    return messages.filter(read_at__isnull=True) if unread else messages
