"""Starting stored pipelines: the start API (202 at once), parameters against parameterConfig,
refusals for disabled / not runnable pipelines, release orders from projects, child pipelines."""

from __future__ import annotations

from typing import Any

import pytest

from apps.executions import runtime
from apps.executions.models import Execution, ReleaseOrder

APPS = "/api/v1/teams/acme/applications/shop/pipelines/"

CONFIG = {
    "name": "deploy",
    "parameterConfig": [
        {"name": "tag", "required": True},
        {
            "name": "env",
            "default": "staging",
            "hasOptions": True,
            "options": [{"value": "staging"}, {"value": "prod"}],
        },
    ],
    "stages": [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "evaluateVariables",
            "name": "vars",
            "variables": [{"key": "image", "value": "app:${parameters.tag}"}],
        }
    ],
}


@pytest.fixture
def pipeline_id(world: Any) -> str:
    response = world.client("owner").post(APPS, CONFIG, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def start(world: Any, role: str, pipeline_id: str, body: Any) -> Any:
    return world.client(role).post(
        f"/api/v1/pipelines/{pipeline_id}/executions/", body, format="json"
    )


def test_start_returns_202_and_runs_with_parameters(world: Any, pipeline_id: str) -> None:
    response = start(world, "admin", pipeline_id, {"parameters": {"tag": "v2"}})
    assert response.status_code == 202, response.content
    execution_id = response.json()["id"]
    runtime.drain_all()
    body = world.client("viewer").get(f"/api/v1/executions/{execution_id}/").json()
    assert body["status"] == "SUCCEEDED"
    assert body["pipelineConfigId"] == pipeline_id
    assert body["trigger"]["parameters"] == {"tag": "v2", "env": "staging"}
    assert body["stages"][0]["outputs"]["image"] == "app:v2"
    listed = world.client("viewer").get(f"/api/v1/pipelines/{pipeline_id}/executions/").json()
    assert [r["id"] for r in listed["results"]] == [execution_id]


@pytest.mark.parametrize(
    ("parameters", "pointer"),
    [
        ({}, "/parameters/tag"),
        ({"tag": "v1", "env": "qa"}, "/parameters/env"),
        ({"tag": {"nested": 1}}, "/parameters/tag"),
    ],
)
def test_bad_parameters_are_pointed_400_and_nothing_starts(
    world: Any, pipeline_id: str, parameters: Any, pointer: str
) -> None:
    response = start(world, "owner", pipeline_id, {"parameters": parameters})
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == pointer
    assert not Execution.objects.exists()


def test_only_deployment_managers_start_directly(world: Any, pipeline_id: str) -> None:
    assert start(world, "developer", pipeline_id, {"parameters": {"tag": "x"}}).status_code == 403
    assert start(world, "outsider", pipeline_id, {"parameters": {"tag": "x"}}).status_code == 404
    assert start(world, "anonymous", pipeline_id, {}).status_code == 401


def test_a_read_only_token_cannot_start(world: Any, pipeline_id: str) -> None:
    client = world.client("owner", scopes=["read"])
    response = client.post(
        f"/api/v1/pipelines/{pipeline_id}/executions/", {"parameters": {"tag": "x"}}, format="json"
    )
    assert response.status_code == 403


def test_a_disabled_pipeline_cannot_start(world: Any, pipeline_id: str) -> None:
    owner = world.client("owner")
    assert (
        owner.post(
            f"/api/v1/pipelines/{pipeline_id}/disable", {"scope": "team"}, format="json"
        ).status_code
        == 200
    )
    response = start(world, "owner", pipeline_id, {"parameters": {"tag": "x"}})
    assert response.status_code == 409
    assert "whole team" in response.json()["message"]


def test_unknown_stage_types_make_the_start_a_409(world: Any) -> None:
    config = {
        "name": "legacy",
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "jenkins",
                "name": "build",
                "master": "ci",
                "job": "app",
            }
        ],
    }
    created = world.client("owner").post(APPS, config, format="json")
    assert created.status_code == 201, created.content
    response = start(world, "owner", created.json()["id"], {})
    assert response.status_code == 409
    assert response.json()["code"] == "not_runnable"
    assert "jenkins" in response.json()["message"]


RELEASES = "/api/v1/teams/acme/projects/web/release-orders/"


def test_a_developer_submits_a_release_order(world: Any, pipeline_id: str) -> None:
    body = {
        "application": "shop",
        "pipeline": pipeline_id,
        "parameters": {"tag": "r1"},
        "note": "ship it",
    }
    response = world.client("developer").post(RELEASES, body, format="json")
    assert response.status_code == 202, response.content
    order = response.json()
    assert order["createdBy"] == "developer"
    assert order["execution"]["status"] == "NOT_STARTED"
    runtime.drain_all()
    detail = world.client("viewer").get(f"{RELEASES}{order['id']}/").json()
    assert detail["execution"]["status"] == "SUCCEEDED"
    assert detail["execution"]["trigger"]["user"] == "developer"
    assert [o["id"] for o in world.client("viewer").get(RELEASES).json()["results"]] == [
        order["id"]
    ]
    assert world.client("viewer").post(RELEASES, body, format="json").status_code == 403


def test_release_order_refused_when_disabled_in_that_project(world: Any, pipeline_id: str) -> None:
    owner = world.client("owner")
    owner.post(
        f"/api/v1/pipelines/{pipeline_id}/disable",
        {"scope": "projects", "projects": ["web"]},
        format="json",
    )
    body = {"application": "shop", "pipeline": pipeline_id, "parameters": {"tag": "r1"}}
    response = world.client("developer").post(RELEASES, body, format="json")
    assert response.status_code == 409
    assert "'web'" in response.json()["message"]
    assert not ReleaseOrder.objects.exists()
    # Disabled only inside the project: a direct start still runs it.
    assert start(world, "owner", pipeline_id, {"parameters": {"tag": "x"}}).status_code == 202


def test_release_order_needs_an_application_bound_to_the_project(
    world: Any, pipeline_id: str
) -> None:
    world.client("owner").post("/api/v1/teams/acme/applications/", {"name": "api"}, format="json")
    body = {"application": "api", "pipeline": pipeline_id}
    response = world.client("developer").post(RELEASES, body, format="json")
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/application"


def test_pipeline_stage_runs_a_child_linked_by_reference(world: Any, pipeline_id: str) -> None:
    parent = {
        "name": "parent",
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "pipeline",
                "name": "run child",
                "application": "shop",
                "pipeline": pipeline_id,
                "pipelineParameters": {"tag": "from-parent"},
            }
        ],
    }
    created = world.client("owner").post(APPS, parent, format="json")
    assert created.status_code == 201, created.content
    started = start(world, "owner", created.json()["id"], {})
    runtime.drain_all()
    body = world.client("owner").get(f"/api/v1/executions/{started.json()['id']}/").json()
    assert body["status"] == "SUCCEEDED"
    child_id = body["stages"][0]["context"]["executionId"]
    child = world.client("owner").get(f"/api/v1/executions/{child_id}/").json()
    assert child["trigger"]["parentExecutionId"] == body["id"]
    assert "parentExecution" not in child["trigger"]
    assert child["trigger"]["parameters"]["tag"] == "from-parent"
