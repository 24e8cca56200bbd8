"""Tenant-scoped lookups for channels, deliveries and inbox messages (no existence leaks)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.applications.access import applications_for_user
from apps.core.errors import NotFound
from apps.notifications.models import InboxMessage, NotificationChannel, NotificationDelivery
from apps.teams import access as team_access
from apps.teams.models import Team

# Team permission each channel operation needs (reading needs team membership only).
CHANNEL_PERMISSIONS = {"view": None, "manage": "manage_pipelines"}


def access_channel_by_name(
    user: Any, team: Team, name: str, perm: str = "view"
) -> NotificationChannel:
    channel = (
        NotificationChannel.objects.select_related("team").filter(team=team, name=name).first()
    )
    if channel is None:
        raise NotFound(f"Notification channel {name!r} not found.")
    codename = CHANNEL_PERMISSIONS[perm]
    if codename is not None:
        team_access.require_team_perm(user, team, codename, "manage notification channels")
    return channel


def deliveries_for_user(user: Any, team: Team) -> QuerySet[NotificationDelivery]:
    """Managers see every delivery; others those of applications they read."""
    deliveries = NotificationDelivery.objects.filter(team=team)
    if team_access.has_team_perm(user, team, "view_all_applications"):
        return deliveries
    readable = applications_for_user(user, team).values_list("id", flat=True)
    return deliveries.filter(application_id__in=list(readable))


def access_inbox_message(user: Any, message_id: int) -> InboxMessage:
    message = InboxMessage.objects.filter(pk=message_id, user=user).first()
    if message is None:
        raise NotFound(f"Message {message_id} not found.")
    return message
