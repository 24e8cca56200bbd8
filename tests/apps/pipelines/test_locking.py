"""Locks are enforced on the server: console edits refused (423), API edits only when the lock
allows them, console unlock only with allowUnlockUi; locking needs the lock permission."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core.errors import Locked
from apps.pipelines import services
from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import create, editable, merge_patch, pipeline_path, put


@pytest.fixture
def doc(world, admin):
    return create(admin)


def _lock(client, pipeline_id, **options):
    body = {"description": "Managed by pipeline-as-code"} | options
    return client.post(pipeline_path(pipeline_id, "lock"), body, format="json")


def _console(world, role="admin") -> APIClient:
    """A browser session: the API treats its writes as console edits."""
    client = APIClient()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("admin", 200),
        ("project_admin", 403),
        ("developer", 403),
        ("viewer", 403),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_locking_needs_the_lock_permission(world, doc, role, status):
    assert _lock(world.client(role), doc["id"]).status_code == status
    unlock = world.client(role).post(pipeline_path(doc["id"], "unlock"), {}, format="json")
    assert unlock.status_code == status


def test_a_lock_is_spinnaker_json_plus_the_platform_api_flag(admin, doc):
    body = _lock(admin, doc["id"], allowUnlockUi=False, allowApiUpdates=True).json()
    assert body["locked"] == {
        "ui": True,
        "allowUnlockUi": False,
        "description": "Managed by pipeline-as-code",
    }
    assert body["cdplatform"]["lock"]["allowApiUpdates"] is True
    row = admin.get("/api/v1/teams/acme/applications/shop/pipelines/").json()["results"][0]
    assert row["locked"] is True
    assert row["lock"]["allowApiUpdates"] is True


@pytest.mark.parametrize("allow_api_updates", [False, True])
def test_api_updates_of_a_locked_pipeline_follow_the_lock(admin, doc, allow_api_updates):
    _lock(admin, doc["id"], allowApiUpdates=allow_api_updates)
    current = editable(admin.get(pipeline_path(doc["id"])).json())
    current["description"] = "from CI"
    response = put(admin, current)
    if allow_api_updates:
        assert response.status_code == 200
        assert response.json()["description"] == "from CI"
    else:
        assert response.status_code == 423
        assert "Managed by pipeline-as-code" in response.json()["message"]
        assert response.json()["details"]["lock"]["allowApiUpdates"] is False


@pytest.mark.parametrize("allow_api_updates", [False, True])
def test_console_edits_of_a_locked_pipeline_are_refused_either_way(
    world, admin, doc, allow_api_updates
):
    _lock(admin, doc["id"], allowApiUpdates=allow_api_updates)
    response = merge_patch(_console(world), doc["id"], {"description": "from the console"})
    assert response.status_code == 423
    assert response.json()["code"] == "locked"
    assert "Managed by pipeline-as-code" in response.json()["message"]


def test_console_edits_work_on_an_unlocked_pipeline(world, doc):
    response = merge_patch(_console(world), doc["id"], {"description": "from the console"})
    assert response.status_code == 200
    assert response.json()["cdplatform"]["changeSource"] == "console"


@pytest.mark.parametrize(
    ("operation", "path", "method"),
    [
        ("delete", "", "delete"),
        ("restore", "revisions/1/restore", "post"),
        ("disable", "disable", "post"),
        ("stage copy", "stages/copy", "post"),
    ],
)
def test_other_edits_respect_the_lock_too(admin, doc, operation, path, method):
    _lock(admin, doc["id"])
    body = {"scope": "team"} if operation == "disable" else {}
    if operation == "stage copy":
        body = {"from": doc["id"], "refIds": ["1"]}
    response = getattr(admin, method)(pipeline_path(doc["id"], path), body, format="json")
    assert response.status_code == 423, response.json()


@pytest.mark.parametrize("allow_unlock_ui", [False, True])
def test_console_unlock_needs_allow_unlock_ui(world, admin, doc, allow_unlock_ui):
    _lock(admin, doc["id"], allowUnlockUi=allow_unlock_ui)
    response = _console(world).post(pipeline_path(doc["id"], "unlock"), {}, format="json")
    if allow_unlock_ui:
        assert response.status_code == 200
        assert "locked" not in response.json()
    else:
        assert response.status_code == 423
        assert "only be unlocked through the API" in response.json()["message"]


@pytest.mark.parametrize("allow_unlock_ui", [False, True])
def test_api_unlock_works_for_lock_holders_whatever_allow_unlock_ui_says(
    admin, doc, allow_unlock_ui
):
    _lock(admin, doc["id"], allowUnlockUi=allow_unlock_ui)
    response = admin.post(pipeline_path(doc["id"], "unlock"), {}, format="json")
    assert response.status_code == 200
    assert "locked" not in response.json()
    assert response.json()["cdplatform"]["lock"] is None


def test_console_cannot_change_a_lock_it_may_not_remove(world, admin, doc):
    _lock(admin, doc["id"], allowUnlockUi=False)
    response = _lock(_console(world), doc["id"], description="changed")
    assert response.status_code == 423


def test_services_apply_the_console_rules_to_source_console(world, doc):
    admin = world.users["admin"]
    pipeline = Pipeline.objects.get(pk=doc["id"])
    services.pipeline_lock(
        pipeline=pipeline, actor=admin, source="api", allow_api_updates=True, allow_unlock_ui=False
    )
    with pytest.raises(Locked):
        services.pipeline_patch(
            pipeline=pipeline, patch={"description": "x"}, actor=admin, source="console"
        )
    updated = services.pipeline_patch(
        pipeline=pipeline, patch={"description": "x"}, actor=admin, source="api"
    )
    assert updated.config["description"] == "x"
    with pytest.raises(Locked):
        services.pipeline_unlock(pipeline=pipeline, actor=admin, source="console")
    assert services.pipeline_unlock(pipeline=pipeline, actor=admin, source="api").lock is None


def test_locked_state_cannot_be_dropped_through_a_save(admin, doc):
    _lock(admin, doc["id"], allowApiUpdates=True)
    response = merge_patch(admin, doc["id"], {"locked": None})
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/locked"
