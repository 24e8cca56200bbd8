"""The cron scheduler on a fixed clock: each tick fires once (also with two schedulers on
PostgreSQL), the team's time zone across a DST change and a month end, the missed-tick policy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from apps.executions.models import Execution
from apps.triggers.models import DeliveryStatus, TriggerDelivery, TriggerIndex
from apps.triggers.services import cron_run_once
from apps.triggers.services.scheduling import next_tick
from tests.apps.triggers.conftest import create_pipeline, executions_of, trigger_of, trigger_row
from tests.conftest import World


def cron(expression: str, **extra: Any) -> dict[str, Any]:
    return {"type": "cron", "cronExpression": expression, **extra}


def pin(pipeline: dict[str, Any], after: datetime) -> TriggerIndex:
    """Starts the schedule from a fixed instant instead of the wall clock."""
    row = trigger_row(pipeline)
    TriggerIndex.objects.filter(pk=row.pk).update(cron_next_at=next_tick(row, after=after))
    row.refresh_from_db()
    return row


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_tick_fires_once_however_often_the_scheduler_runs(world: World) -> None:
    pipeline = create_pipeline(world, "nightly", [cron("0 0 20 * * ?")])
    world.client("owner").patch("/api/v1/teams/acme/", {"timeZone": "Asia/Shanghai"}, format="json")
    row = pin(pipeline, at("2024-06-01T08:00:00+08:00"))
    assert row.cron_next_at == at("2024-06-01T20:00:00+08:00")

    early = cron_run_once(now=at("2024-06-01T19:59:59+08:00"))
    fired = [cron_run_once(now=at("2024-06-01T20:00:01+08:00")) for _ in range(3)]

    assert early == 0
    assert fired == [1, 0, 0]
    [execution] = executions_of(pipeline)
    trigger = trigger_of(execution.pk, world)
    assert trigger["type"] == "cron"
    assert trigger["cronExpression"] == "0 0 20 * * ?"
    assert trigger["tick"] == "2024-06-01T12:00:00+00:00"
    row.refresh_from_db()
    assert row.cron_next_at == at("2024-06-02T20:00:00+08:00")


def _run_through(start: datetime, end: datetime, step: timedelta) -> None:
    moment = start
    while moment <= end:
        cron_run_once(now=moment)
        moment += step


def test_ticks_follow_the_team_time_zone_across_a_dst_change(world: World) -> None:
    world.client("owner").patch(
        "/api/v1/teams/acme/", {"timeZone": "America/New_York"}, format="json"
    )
    pipeline = create_pipeline(world, "early", [cron("0 30 2 * * ?")])
    pin(pipeline, at("2024-03-08T12:00:00+00:00"))

    _run_through(
        at("2024-03-08T12:00:00+00:00"), at("2024-03-12T12:00:00+00:00"), timedelta(minutes=15)
    )

    ticks = sorted(
        delivery.summary["tick"]
        for delivery in TriggerDelivery.objects.filter(kind="cron", status=DeliveryStatus.STARTED)
    )
    # 02:30 EST, then 03:30 EDT on the day 02:30 does not exist, then 02:30 EDT.
    assert ticks == [
        "2024-03-09T07:30:00+00:00",
        "2024-03-10T07:30:00+00:00",
        "2024-03-11T06:30:00+00:00",
        "2024-03-12T06:30:00+00:00",
    ]
    assert len(executions_of(pipeline)) == 4


def test_last_day_of_the_month_across_a_leap_february(world: World) -> None:
    pipeline = create_pipeline(world, "month-end", [cron("0 0 12 L * ?")])
    pin(pipeline, at("2024-01-30T00:00:00+00:00"))

    _run_through(
        at("2024-01-30T00:00:00+00:00"), at("2024-04-01T00:00:00+00:00"), timedelta(hours=6)
    )

    ticks = sorted(d.summary["tick"][:10] for d in TriggerDelivery.objects.filter(kind="cron"))
    assert ticks == ["2024-01-31", "2024-02-29", "2024-03-31"]


def test_after_downtime_the_latest_tick_within_the_grace_window_fires_once(world: World) -> None:
    pipeline = create_pipeline(world, "hourly", [cron("0 0 * * * ?")])
    pin(pipeline, at("2024-06-01T00:00:30+00:00"))

    fired = cron_run_once(now=at("2024-06-01T05:10:00+00:00"))  # down since 01:00

    assert fired == 1
    [delivery] = TriggerDelivery.objects.filter(kind="cron")
    assert delivery.summary["tick"] == "2024-06-01T05:00:00+00:00"
    assert delivery.summary["skippedTicks"] == 4
    assert len(executions_of(pipeline)) == 1
    assert trigger_row(pipeline).cron_next_at == at("2024-06-01T06:00:00+00:00")


def test_ticks_missed_beyond_the_grace_window_are_recorded_not_replayed(world: World) -> None:
    pipeline = create_pipeline(world, "daily", [cron("0 0 20 * * ?")])
    pin(pipeline, at("2024-06-01T00:00:00+00:00"))

    fired = cron_run_once(now=at("2024-06-03T22:00:00+00:00"))  # two hours after the last tick

    assert fired == 0
    [delivery] = TriggerDelivery.objects.filter(kind="cron")
    assert delivery.status == DeliveryStatus.MISSED
    assert delivery.summary["missedTicks"] == 3
    assert "not replayed" in delivery.reason
    assert executions_of(pipeline) == []
    assert trigger_row(pipeline).cron_next_at == at("2024-06-04T20:00:00+00:00")


def test_a_disabled_pipeline_is_not_scheduled_and_resumes_from_now(world: World) -> None:
    pipeline = create_pipeline(world, "paused", [cron("0 */5 * * * ?")])
    owner = world.client("owner")
    owner.post(f"/api/v1/pipelines/{pipeline['id']}/disable", {"scope": "team"}, format="json")
    row = trigger_row(pipeline)
    assert row.pipeline_disabled

    fired = cron_run_once(now=datetime.now(tz=UTC) + timedelta(days=1))
    owner.post(f"/api/v1/pipelines/{pipeline['id']}/enable", {"scope": "team"}, format="json")

    assert fired == 0
    row.refresh_from_db()
    assert not row.pipeline_disabled
    assert row.cron_next_at is not None
    assert row.cron_next_at - datetime.now(tz=UTC) <= timedelta(minutes=5)


@pytest.mark.postgres
def test_two_schedulers_on_postgresql_fire_each_tick_once(live_world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL for concurrent schedulers (running on {connection.vendor})")
    pipeline = create_pipeline(live_world, "busy", [cron("*/10 * * * * ?")])
    pin(pipeline, at("2024-06-01T00:00:00+00:00"))
    moments = [at("2024-06-01T00:00:00+00:00") + timedelta(seconds=10 * n + 1) for n in range(1, 7)]
    barrier = threading.Barrier(2)
    fired: list[int] = []
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            for moment in moments:
                barrier.wait(timeout=10)
                fired.append(cron_run_once(now=moment))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sum(fired) == len(moments)
    ticks = [d.summary["tick"] for d in TriggerDelivery.objects.filter(kind="cron")]
    assert len(ticks) == len(set(ticks)) == len(moments)
    assert Execution.objects.filter(pipeline_config_id=pipeline["id"]).count() == len(moments)
