"""Writes of the notifications app: channels and rules, the outbox, deliveries, the inbox."""

from apps.notifications.services.channels import (
    application_notifications_set,
    channel_create,
    channel_delete,
    channel_update,
    team_language_set,
)
from apps.notifications.services.delivery import (
    delivery_attempt,
    notifications_run_once,
)
from apps.notifications.services.dispatch import (
    notification_event_expand,
    notification_event_record,
)
from apps.notifications.services.inbox import inbox_message_read, inbox_read_all
from apps.notifications.services.testing import channel_test

__all__ = [
    "application_notifications_set",
    "channel_create",
    "channel_delete",
    "channel_test",
    "channel_update",
    "delivery_attempt",
    "inbox_message_read",
    "inbox_read_all",
    "notification_event_expand",
    "notification_event_record",
    "notifications_run_once",
    "team_language_set",
]
