"""Retention keeps the newest runs of each pipeline and everything still active."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from apps.applications.models import Application
from apps.executions.models import Execution

DAY = 86_400_000
NOW = 1_800_000_000_000


def make(shop: Application, pipeline: str, age_days: int, status: str, n: int) -> None:
    Execution.objects.bulk_create(
        [
            Execution(
                pk=f"{pipeline[:3]}{age_days:03d}{status[:3]}{i:05d}".ljust(26, "0")[:26],
                team=shop.team,
                application=shop,
                pipeline_config_id=pipeline,
                status=status,
                build_time=NOW - age_days * DAY - i,
                header={},
            )
            for i in range(n)
        ]
    )


def test_purge_keeps_newest_per_pipeline_and_active_runs(world: Any) -> None:
    from apps.executions.services.retention import executions_purge

    shop = Application.objects.get(team=world.team, name="shop")
    make(shop, "p-one", 40, "SUCCEEDED", 5)
    make(shop, "p-one", 1, "SUCCEEDED", 2)
    make(shop, "p-two", 40, "TERMINAL", 3)
    make(shop, "p-two", 50, "RUNNING", 1)
    deleted = executions_purge(older_than_days=30, keep_per_pipeline=3, now_ms=NOW)
    remaining = Execution.objects.order_by("pipeline_config_id", "-build_time")
    one = [e for e in remaining if e.pipeline_config_id == "p-one"]
    two = [e for e in remaining if e.pipeline_config_id == "p-two"]
    assert len(one) == 3  # two recent + the newest old one
    assert {e.status for e in two} == {"TERMINAL", "RUNNING"}
    assert len(two) == 4  # three finished are the newest three; the running one stays
    assert deleted == 4


def test_purge_command(world: Any) -> None:
    shop = Application.objects.get(team=world.team, name="shop")
    make(shop, "p-one", 4000, "SUCCEEDED", 3)
    out = io.StringIO()
    call_command("purge_executions", "--older-than-days", "1", "--keep", "1", stdout=out)
    assert "deleted 2" in out.getvalue()
