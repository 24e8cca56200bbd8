"""Reading the in-app inbox: mark one or all messages read."""

from __future__ import annotations

from django.utils import timezone

from apps.notifications.models import InboxMessage
from apps.users.models import User


def inbox_message_read(*, message: InboxMessage) -> InboxMessage:
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def inbox_read_all(*, user: User) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
