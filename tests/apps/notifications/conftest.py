"""Fixtures for notification tests: a robot server, channels through the API, runs driven inline
with the engine's after-commit events delivered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.executions import runtime
from apps.notifications.services import notifications_run_once
from tests.apps.notifications.receiver import RobotServer
from tests.conftest import World

APP = "/api/v1/teams/acme/applications/shop/pipelines/"
CHANNELS = "/api/v1/teams/acme/notification-channels/"


@pytest.fixture
def robots() -> Iterator[RobotServer]:
    with RobotServer() as server:
        yield server


def make_channel(world: World, **body: Any) -> dict[str, Any]:
    response = world.client("admin").post(CHANNELS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def create_pipeline(world: World, config: dict[str, Any]) -> dict[str, Any]:
    response = world.client("owner").post(APP, config, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def run(world: World, pipeline_id: str, capture: Any, **body: Any) -> str:
    """Starts the pipeline and drains the engine, delivering its events to the listeners."""
    with capture(execute=True):
        response = world.client("owner").post(
            f"/api/v1/pipelines/{pipeline_id}/executions/", body, format="json"
        )
        assert response.status_code == 202, response.json()
    drain(capture)
    return str(response.json()["id"])


def drain(capture: Any) -> None:
    for _ in range(20):
        with capture(execute=True):
            handled = runtime.drain_all()
        if not handled:
            return


def deliver_all() -> dict[str, int]:
    """One pass of the loop: expands the events and sends what they produced."""
    return notifications_run_once()
