"""Helpers for pipeline API tests: paths, a small valid config, create through the API."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.conftest import World

APP = "/api/v1/teams/acme/applications/shop/pipelines/"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pipelines"


def pipeline_path(pipeline_id: str, suffix: str = "") -> str:
    return f"/api/v1/pipelines/{pipeline_id}/{suffix}"


def simple_config(name: str = "deploy", **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "name": name,
        "limitConcurrent": True,
        "keepWaitingPipelines": False,
        "parameterConfig": [{"name": "tag", "default": "v1", "required": True}],
        "triggers": [],
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "wait",
                "name": "Soak",
                "waitTime": 5,
            },
            {
                "refId": "2",
                "requisiteStageRefIds": ["1"],
                "type": "manualJudgment",
                "name": "Approve",
                "judgmentInputs": [{"value": "ship"}, {"value": "hold"}],
            },
        ],
    }
    config.update(extra)
    return config


def create(client: APIClient, config: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    response = client.post(APP, config or simple_config(**extra), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def put(client: APIClient, document: dict[str, Any], pipeline_id: str = "", **headers: str) -> Any:
    return client.put(
        pipeline_path(pipeline_id or document["id"]),
        json.dumps(document),
        content_type="application/json",
        **headers,
    )


def merge_patch(client: APIClient, pipeline_id: str, patch: Any, **headers: str) -> Any:
    return client.patch(
        pipeline_path(pipeline_id),
        json.dumps(patch),
        content_type="application/merge-patch+json",
        **headers,
    )


def editable(document: dict[str, Any]) -> dict[str, Any]:
    """A document as a client sends it back (the platform block is ignored anyway)."""
    result = copy.deepcopy(document)
    result.pop("cdplatform", None)
    return result


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def admin(world: World) -> APIClient:
    return world.client("admin")
