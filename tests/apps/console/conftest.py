"""Console test helpers: logged-in browsers (Django's test client) per role, pipelines, runs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.applications.models import Application
from apps.executions.models import Execution
from apps.pipelines import services as pipeline_services
from apps.pipelines.models import ChangeSource, Pipeline
from tests.conftest import World

JUDGED = {
    "name": "judged",
    "parameterConfig": [
        {"name": "tag", "label": "Image tag", "default": "v1", "required": True},
        {"name": "region", "label": "Region", "pinned": True, "description": "Where to deploy"},
    ],
    "stages": [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "manualJudgment",
            "name": "Approve",
            "judgmentInputs": [{"value": "ship"}, {"value": "hold"}],
        },
        {
            "refId": "2",
            "requisiteStageRefIds": ["1"],
            "type": "wait",
            "name": "after",
            "waitTime": 0,
        },
    ],
}


@pytest.fixture
def browser(world: World) -> Callable[[str], Client]:
    """`browser(role)`: a test client logged in as that role's user (session, like the console)."""

    def login(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return login


@pytest.fixture
def shop(world: World) -> Application:
    return Application.objects.get(team=world.team, name="shop")


def make_pipeline(
    application: Application, world: World, config: dict[str, Any] | None = None, **extra: Any
) -> Pipeline:
    document = {**(config or JUDGED), **extra}
    return pipeline_services.pipeline_create(
        application=application,
        document=document,
        actor=world.users["owner"],
        source=ChangeSource.CONSOLE,
    )


_ids = itertools.count(1)


def fake_runs(
    application: Application, pipeline: Pipeline | None, count: int, status: str = "SUCCEEDED"
) -> list[Execution]:
    """Stored runs without stages (list pages read only the execution rows)."""
    rows = []
    for _ in range(count):
        number = next(_ids)
        rows.append(
            Execution(
                id=f"01HZZZ{number:020d}",
                team=application.team,
                application=application,
                pipeline_config_id=str(pipeline.pk) if pipeline else "",
                name=pipeline.name if pipeline else "adhoc",
                status=status,
                trigger_type="manual",
                build_time=1_700_000_000_000 + number * 1000,
                start_time=1_700_000_000_000 + number * 1000,
                end_time=1_700_000_000_000 + number * 1000 + 5000,
                header={
                    "trigger": {"type": "manual", "user": "owner", "parameters": {"tag": "v1"}}
                },
            )
        )
    Execution.objects.bulk_create(rows)
    return rows


def json_post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")
