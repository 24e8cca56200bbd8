"""Cron triggers: fire each tick once, whatever the number of schedulers.

Every scheduler (the embedded loop, Celery beat's task, a test) runs `cron_run_once(now)`.
A tick fires by inserting its delivery with the key `cron:<trigger row>:<tick>`; the unique
constraint lets exactly one insert win, and the winner starts the run in the same
transaction. Missed-tick policy: after downtime, the latest tick missed by at most
CRON_MISSED_TICK_GRACE_SECONDS fires once; older ones are skipped and recorded as missed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.triggers.cron import CronSchedule
from apps.triggers.models import (
    DeliveryKind,
    DeliveryStatus,
    OutcomeResult,
    TriggerDelivery,
    TriggerIndex,
)
from engine.catalog import CronError

logger = logging.getLogger(__name__)

# Ticks looked at per trigger and run (a per-second schedule after a long outage).
MAX_TICKS = 10_000


def zone_of(row: TriggerIndex) -> ZoneInfo:
    """The trigger's `cronTimeZone`, else the team's time zone, else UTC."""
    for name in (row.config.get("cronTimeZone"), getattr(row.team, "time_zone", None)):
        if isinstance(name, str) and name.strip():
            try:
                return ZoneInfo(name.strip())
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


@lru_cache(maxsize=1024)
def _parsed(expression: str, seed: str) -> CronSchedule | None:
    try:
        return CronSchedule.parse(expression, seed=seed)
    except CronError:
        return None


def schedule_of(row: TriggerIndex) -> CronSchedule | None:
    expression = row.config.get("cronExpression")
    if not isinstance(expression, str):
        return None
    return _parsed(expression, row.trigger_id)


def schedule_key(row: TriggerIndex) -> tuple[Any, ...]:
    """What decides a trigger's ticks: changing any of it restarts the schedule from now."""
    return (row.type, row.config.get("cronExpression"), row.config.get("cronTimeZone"))


def next_tick(row: TriggerIndex, *, after: datetime) -> datetime | None:
    schedule = schedule_of(row)
    if schedule is None:
        return None
    return schedule.next_after(after, zone_of(row))


def cron_due(*, now: datetime) -> list[TriggerIndex]:
    return list(
        TriggerIndex.objects.filter(
            type="cron",
            live=True,
            enabled=True,
            pipeline_disabled=False,
            cron_next_at__lte=now,
        )
        .select_related("team", "pipeline__application")
        .order_by("cron_next_at", "pk")
    )


def _claim(row: TriggerIndex, key: str, **fields: Any) -> TriggerDelivery | None:
    """The delivery row for `key`, or None when another scheduler inserted it first."""
    try:
        with transaction.atomic():
            return TriggerDelivery.objects.create(
                team_id=row.team_id,
                kind=DeliveryKind.CRON,
                source="cron",
                trigger=row,
                dedupe_key=key,
                verified=True,
                verification="scheduled",
                **fields,
            )
    except IntegrityError:
        return None


def _fire(row: TriggerIndex, tick: datetime, skipped: int, now: datetime) -> bool:
    from apps.triggers.services.starting import start_for_trigger

    summary = {"tick": tick.isoformat(), "timeZone": str(zone_of(row)), "skippedTicks": skipped}
    with transaction.atomic():
        delivery = _claim(
            row,
            f"cron:{row.pk}:{tick.isoformat()}",
            event_type="tick",
            status=DeliveryStatus.PROCESSING,
            summary=summary,
            received_at=now,
        )
        if delivery is None:
            return False
        fields = {"cronExpression": row.config.get("cronExpression"), "tick": tick.isoformat()}
        outcome = start_for_trigger(delivery=delivery, row=row, fields=fields)
        started = outcome.result == OutcomeResult.STARTED
        delivery.status = DeliveryStatus.STARTED if started else DeliveryStatus.NOT_STARTED
        delivery.reason = outcome.reason
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["status", "reason", "processed_at"])
    return True


def _record_missed(row: TriggerIndex, first: datetime, count: int, now: datetime) -> None:
    grace = platform_settings.CRON_MISSED_TICK_GRACE_SECONDS
    _claim(
        row,
        f"cron:{row.pk}:missed:{first.isoformat()}",
        event_type="missed",
        status=DeliveryStatus.MISSED,
        summary={"firstMissedTick": first.isoformat(), "missedTicks": count},
        reason=(
            f"{count} tick(s) from {first.isoformat()} were missed by more than {grace} s "
            "(the scheduler was not running); they are skipped, not replayed."
        ),
        received_at=now,
        processed_at=now,
    )


def _run_row(row: TriggerIndex, now: datetime) -> bool:
    schedule = schedule_of(row)
    due_from = row.cron_next_at
    if schedule is None or due_from is None:
        TriggerIndex.objects.filter(pk=row.pk).update(cron_next_at=None)
        return False
    zone = zone_of(row)
    grace_start = now - timedelta(seconds=platform_settings.CRON_MISSED_TICK_GRACE_SECONDS)
    # Ticks in [due_from, now]: due_from is itself a tick.
    ticks = schedule.ticks(due_from - timedelta(microseconds=1), now, zone, limit=MAX_TICKS)
    recent = [tick for tick in ticks if tick >= grace_start]
    stale = [tick for tick in ticks if tick < grace_start]
    fired = False
    if recent:
        fired = _fire(row, recent[-1], skipped=len(ticks) - 1, now=now)
    elif stale:
        _record_missed(row, stale[0], len(stale), now)
    following = schedule.next_after(now, zone)
    # Only the scheduler that saw this due time moves it on (a slower one changes nothing).
    TriggerIndex.objects.filter(pk=row.pk, cron_next_at=due_from).update(
        cron_next_at=following, cron_last_tick_at=recent[-1] if recent else row.cron_last_tick_at
    )
    return fired


def cron_run_once(*, now: datetime | None = None) -> int:
    """Fires what is due at `now`; returns how many ticks this call fired."""
    moment = now or timezone.now()
    fired = 0
    for row in cron_due(now=moment):
        try:
            fired += int(_run_row(row, moment))
        except Exception:
            logger.exception("cron trigger %s could not be run", row.pk)
    return fired
