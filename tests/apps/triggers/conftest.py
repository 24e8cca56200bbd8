"""Helpers for trigger tests: pipelines with triggers through the API, signed deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from apps.executions.models import Execution
from apps.triggers.models import TriggerIndex
from tests.conftest import World

APP = "/api/v1/teams/acme/applications/shop/pipelines/"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "webhooks"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def stage(name: str = "vars", ref: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": [],
        "type": "evaluateVariables",
        "name": name,
        "variables": [{"key": "tag", "value": "${trigger['tag'] ?: 'none'}"}],
        **extra,
    }


def create_pipeline(
    world: World, name: str, triggers: list[dict[str, Any]], **config: Any
) -> dict[str, Any]:
    body = {"name": name, "stages": [stage()], "triggers": triggers, **config}
    response = world.client("owner").post(APP, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def trigger_row(pipeline: dict[str, Any], index: int = 0) -> TriggerIndex:
    trigger_id = pipeline["triggers"][index]["id"]
    return TriggerIndex.objects.get(pipeline_id=pipeline["id"], trigger_id=trigger_id)


def set_secret(world: World, pipeline: dict[str, Any], secret: str, index: int = 0) -> None:
    trigger_id = pipeline["triggers"][index]["id"]
    response = world.client("owner").put(
        f"/api/v1/pipelines/{pipeline['id']}/triggers/{trigger_id}/secret",
        {"secret": secret},
        format="json",
    )
    assert response.status_code == 200, response.json()


def deliver(
    path: str,
    body: bytes,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> Any:
    return APIClient().generic("POST", path, body, content_type=content_type, headers=headers or {})


def hub_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def coding_signature(secret: str, body: bytes) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def executions_of(pipeline: dict[str, Any]) -> list[Execution]:
    return list(Execution.objects.filter(pipeline_config_id=pipeline["id"]).order_by("build_time"))


def trigger_of(execution_id: str, world: World) -> dict[str, Any]:
    body = world.client("owner").get(f"/api/v1/executions/{execution_id}/").json()
    return body["trigger"]
