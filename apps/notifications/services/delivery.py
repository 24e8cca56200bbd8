"""The background side: expand outbox events, remind waiting judgments, send due deliveries
with retries and exponential backoff. Claims are conditional updates, so any number of loops
(threads, Celery workers) can run at once without sending a delivery twice in one lease."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.notifications import senders
from apps.notifications.models import (
    DeliveryState,
    JudgmentReminder,
    NotificationDelivery,
    NotificationEvent,
)
from apps.notifications.services.dispatch import notification_event_expand

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 50


def _claim_events(now: datetime) -> list[NotificationEvent]:
    ids = list(
        NotificationEvent.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("id")
        .values_list("pk", "claimed_until")[:BATCH]
    )
    claimed = []
    for pk, until in ids:
        if NotificationEvent.objects.filter(pk=pk, claimed_until=until).update(
            claimed_until=now + LEASE
        ):
            claimed.append(pk)
    return list(NotificationEvent.objects.filter(pk__in=claimed).order_by("id"))


def events_expand(*, now: datetime) -> int:
    done = 0
    for event in _claim_events(now):
        try:
            with transaction.atomic():
                notification_event_expand(event)
                event.delete()
            done += 1
        except Exception:
            # Left claimed: retried once the lease ends (a bad event cannot block the others).
            logger.exception("notification event %s could not be expanded", event.pk)
    return done


def _still_waiting(reminder: JudgmentReminder) -> bool:
    from apps.executions.models import StageExecution

    stage = StageExecution.objects.filter(pk=reminder.stage_id).values("status", "data").first()
    if stage is None or stage["status"] != "RUNNING":
        return False
    return not (stage["data"].get("context") or {}).get("judgmentStatus")


def reminders_run(*, now: datetime) -> int:
    sent = 0
    for reminder in JudgmentReminder.objects.filter(next_at__lte=now).order_by("next_at")[:BATCH]:
        following = now + timedelta(milliseconds=reminder.every_ms)
        # Moving next_at is the claim: only one loop re-sends this round.
        if not JudgmentReminder.objects.filter(pk=reminder.pk, next_at=reminder.next_at).update(
            next_at=following
        ):
            continue
        if not _still_waiting(reminder):
            JudgmentReminder.objects.filter(pk=reminder.pk).delete()
            continue
        NotificationEvent.objects.create(
            kind="manualJudgment",
            execution_id=reminder.execution_id,
            stage_id=reminder.stage_id,
            data={"reminder": True},
        )
        sent += 1
    return sent


def _claim_deliveries(now: datetime) -> list[NotificationDelivery]:
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, lease_until__lt=now
    )
    ids = list(
        NotificationDelivery.objects.filter(due)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "state", "lease_until")[:BATCH]
    )
    claimed = []
    for pk, state, lease in ids:
        if NotificationDelivery.objects.filter(pk=pk, state=state, lease_until=lease).update(
            state=DeliveryState.SENDING, lease_until=now + LEASE
        ):
            claimed.append(pk)
    return list(
        NotificationDelivery.objects.select_related("channel").filter(pk__in=claimed).order_by("id")
    )


def backoff(attempts: int) -> timedelta:
    base = float(platform_settings.NOTIFICATION_RETRY_BASE_SECONDS)
    return timedelta(seconds=min(3600.0, base * 2 ** max(0, attempts - 1)))


def delivery_attempt(delivery: NotificationDelivery, *, now: datetime) -> NotificationDelivery:
    """Sends once and records the result: sent, retried later, or failed for good."""
    delivery.attempts += 1
    try:
        senders.send(delivery)
    except senders.SendError as error:
        final = (
            not error.retryable or delivery.attempts >= platform_settings.NOTIFICATION_MAX_ATTEMPTS
        )
        delivery.state = DeliveryState.FAILED if final else DeliveryState.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.last_error = str(error)[:2000]
    except Exception as error:
        logger.exception("notification delivery %s crashed", delivery.pk)
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.last_error = f"internal error: {type(error).__name__}"
    else:
        delivery.state = DeliveryState.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
    delivery.lease_until = None
    delivery.save(
        update_fields=[
            "attempts",
            "state",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "lease_until",
        ]
    )
    return delivery


def deliveries_send(*, now: datetime) -> int:
    sent = 0
    for delivery in _claim_deliveries(now):
        sent += int(delivery_attempt(delivery, now=now).state == DeliveryState.SENT)
    return sent


def notifications_run_once(*, now: datetime | None = None) -> dict[str, int]:
    """One pass of the background work; loops, Celery tasks and tests call this."""
    # Without a pinned `now`, each step reads the clock again, so deliveries created by this
    # pass's expansion are sent in the same pass.
    reminded = reminders_run(now=now or timezone.now())
    expanded = events_expand(now=now or timezone.now())
    sent = deliveries_send(now=now or timezone.now())
    return {"reminders": reminded, "events": expanded, "sent": sent}
