"""Bad input gets a clear 4xx in the one error shape, pointing at the problem; nothing is
written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.applications.models import Application
from apps.cloudaccounts.models import CloudAccount
from apps.teams.models import Team


def post_raw(client: Any, path: str, body: bytes, content_type: str = "application/json") -> Any:
    return client.generic("POST", path, body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": 5}, "/name"),
        ({}, "/name"),
        ({"name": "Not Valid!"}, "/name"),
        ({"name": "ok", "projects": ["missing"]}, "/projects/0"),
        ({"name": "ok", "projects": "web"}, "/projects"),
        (
            {"name": "ok", "enableRestartRunningExecutions": "maybe"},
            "/enableRestartRunningExecutions",
        ),
        ({"name": "ok", "color": "blue"}, "/color"),
    ],
)
def test_application_create_points_at_the_field(world: Any, body: Any, pointer: str) -> None:
    before = Application.objects.count()
    response = world.client("owner").post("/api/v1/teams/acme/applications/", body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert set(data) == {"code", "message", "details"}
    assert data["code"] == "invalid"
    assert pointer in [error["pointer"] for error in data["details"]["errors"]]
    assert pointer in data["message"]
    assert Application.objects.count() == before


@pytest.mark.parametrize("body", [b"{not json", b'{"slug": NaN}', b"\xff\xfe", b'{"a": [' * 200])
def test_malformed_json_is_a_parse_error(world: Any, body: bytes) -> None:
    response = post_raw(world.client("owner"), "/api/v1/teams/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert Team.objects.count() == 2


def test_oversized_bodies_are_413(world: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"slug": "big", "description": "x" * 5000}).encode()
    response = post_raw(world.client("owner"), "/api/v1/teams/", body)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Team.objects.filter(slug="big").exists()


def test_wrong_content_type_is_415(world: Any) -> None:
    response = post_raw(
        world.client("owner"),
        "/api/v1/teams/",
        b"slug=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_list_where_an_object_belongs(world: Any) -> None:
    response = world.client("owner").post("/api/v1/teams/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/"


def test_cloud_account_kind_must_fit_the_provider(world: Any) -> None:
    response = world.client("owner").post(
        "/api/v1/teams/acme/cloud-accounts/",
        {"name": "x", "provider": "tencent", "kind": "kubeconfig", "kubeconfig": "a: b"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/kind"
    assert not CloudAccount.objects.filter(name="x").exists()


def test_missing_required_credentials_point_at_them(world: Any) -> None:
    response = world.client("owner").post(
        "/api/v1/teams/acme/cloud-accounts/",
        {"name": "x", "provider": "tencent", "kind": "keys", "secretId": "AKID"},
        format="json",
    )
    pointers = {e["pointer"] for e in response.json()["details"]["errors"]}
    assert {"/secretKey", "/regions"} <= pointers


def test_duplicate_names_are_409(world: Any) -> None:
    client = world.client("owner")
    response = client.post("/api/v1/teams/acme/applications/", {"name": "shop"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_unknown_api_paths_are_json_404(world: Any) -> None:
    response = world.client("owner").get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_methods_are_405_with_allow(world: Any) -> None:
    response = world.client("owner").put("/api/v1/teams/", {}, format="json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_bad_time_zone_is_pointed(world: Any) -> None:
    response = world.client("owner").patch(
        "/api/v1/teams/acme/", {"timeZone": "Mars/Base"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/timeZone"
