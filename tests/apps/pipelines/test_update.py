"""Reading and changing pipelines: PUT, merge PATCH, stale saves, guards, lists, delete."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import (
    APP,
    create,
    editable,
    merge_patch,
    pipeline_path,
    put,
    simple_config,
)


@pytest.fixture
def doc(world, admin):
    return create(admin)


def test_get_returns_the_document_with_an_etag(admin, doc):
    response = admin.get(pipeline_path(doc["id"]))
    assert response.status_code == 200
    assert response["ETag"] == f'"{doc["cdplatform"]["revision"]}-{doc["updateTs"]}"'
    assert response.json()["stages"] == doc["stages"]


def test_put_replaces_the_config_and_keeps_unknown_keys(admin, doc):
    body = editable(doc)
    body["x-team-notes"] = {"owner": "ops", "links": [1, "two", None]}
    body["stages"][0]["waitTime"] = 10
    response = put(admin, body)
    assert response.status_code == 200, response.json()
    stored = admin.get(pipeline_path(doc["id"])).json()
    assert stored["x-team-notes"] == {"owner": "ops", "links": [1, "two", None]}
    assert stored["stages"][0]["waitTime"] == 10
    assert stored["cdplatform"]["revision"] == 2
    assert int(stored["updateTs"]) > int(doc["updateTs"])


def test_put_without_name_keeps_the_name_and_a_new_name_renames(admin, doc):
    body = editable(doc)
    del body["name"]
    assert put(admin, body).json()["name"] == "deploy"
    body = editable(admin.get(pipeline_path(doc["id"])).json())
    body["name"] = "deploy v2"
    assert put(admin, body).json()["name"] == "deploy v2"


def test_renaming_onto_another_pipeline_is_a_conflict(admin, doc):
    create(admin, name="taken")
    body = editable(doc)
    body["name"] = "taken"
    assert put(admin, body).status_code == 409


def test_a_save_with_an_outdated_update_ts_is_refused_instead_of_overwriting(world, admin, doc):
    alice, bob = admin, world.client("owner")
    alice_copy = editable(alice.get(pipeline_path(doc["id"])).json())
    bob_copy = editable(bob.get(pipeline_path(doc["id"])).json())
    alice_copy["description"] = "alice was here"
    assert put(alice, alice_copy).status_code == 200
    bob_copy["description"] = "bob was here"
    conflict = put(bob, bob_copy)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "stale"
    assert "admin" in conflict.json()["message"]
    assert admin.get(pipeline_path(doc["id"])).json()["description"] == "alice was here"


def test_if_match_guards_a_save_too(admin, doc):
    etag = admin.get(pipeline_path(doc["id"]))["ETag"]
    body = editable(doc)
    del body["updateTs"]
    body["description"] = "first"
    assert put(admin, body, HTTP_IF_MATCH=etag).status_code == 200
    body["description"] = "second"
    stale = put(admin, body, HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    assert put(admin, body, HTTP_IF_MATCH="*").status_code == 200


def test_a_save_without_update_ts_or_if_match_is_last_write_wins(admin, doc):
    body = editable(doc)
    del body["updateTs"]
    assert put(admin, body | {"description": "a"}).status_code == 200
    assert put(admin, body | {"description": "b"}).status_code == 200


def test_an_identical_save_creates_no_revision(admin, doc):
    response = put(admin, editable(doc))
    assert response.status_code == 200
    assert response.json()["cdplatform"]["revision"] == 1
    assert Pipeline.history.filter(id=doc["id"]).count() == 1


def test_an_invalid_save_is_refused_and_nothing_changes(admin, doc):
    body = editable(doc)
    body["stages"][1]["requisiteStageRefIds"] = ["9"]
    response = put(admin, body)
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/stages/1/requisiteStageRefIds/0"
    assert admin.get(pipeline_path(doc["id"])).json()["cdplatform"]["revision"] == 1


@pytest.mark.parametrize(
    ("key", "value", "pointer"),
    [
        ("id", "00000000-0000-0000-0000-000000000000", "/id"),
        ("application", "elsewhere", "/application"),
        ("disabled", True, "/disabled"),
        ("locked", {"ui": True, "description": "mine"}, "/locked"),
    ],
)
def test_server_owned_state_cannot_change_through_a_save(admin, doc, key, value, pointer):
    body = editable(doc) | {key: value}
    response = put(admin, body, doc["id"])
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == pointer


def test_merge_patch_changes_removes_and_keeps_keys(admin, doc):
    response = merge_patch(
        admin, doc["id"], {"description": "patched", "keepWaitingPipelines": None}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description"] == "patched"
    assert "keepWaitingPipelines" not in body
    assert body["stages"] == doc["stages"]


def test_plain_json_patch_is_a_merge_patch_too(admin, doc):
    response = admin.patch(pipeline_path(doc["id"]), {"limitConcurrent": False}, format="json")
    assert response.status_code == 200
    assert response.json()["limitConcurrent"] is False


def test_merge_patch_with_a_stale_update_ts_is_refused(admin, doc):
    merge_patch(admin, doc["id"], {"description": "one"})
    response = merge_patch(admin, doc["id"], {"description": "two", "updateTs": doc["updateTs"]})
    assert response.status_code == 409


def test_merge_patch_must_be_an_object(admin, doc):
    response = merge_patch(admin, doc["id"], ["not", "an", "object"])
    assert response.status_code == 400


def test_a_change_note_is_recorded_from_the_body_or_a_header(admin, doc):
    merge_patch(admin, doc["id"], {"description": "x", "cdplatform": {"changeNote": "why: CI"}})
    merge_patch(admin, doc["id"], {"description": "y"}, HTTP_X_CHANGE_NOTE="via header")
    notes = list(
        Pipeline.history.filter(id=doc["id"])
        .order_by("revision")
        .values_list("history_change_reason", flat=True)
    )
    assert notes[1:] == ["why: CI", "via header"]
    assert "cdplatform" not in Pipeline.objects.get(pk=doc["id"]).config


def test_writes_need_the_manage_permission_and_reads_need_access(world, doc):
    developer = world.client("developer")
    assert developer.get(pipeline_path(doc["id"])).status_code == 200
    assert put(developer, editable(doc)).status_code == 403
    assert world.client("member").get(pipeline_path(doc["id"])).status_code == 404
    assert world.client("outsider").get(pipeline_path(doc["id"])).status_code == 404
    assert world.client("admin").get(pipeline_path("not-a-uuid")).status_code == 404


# ---------------------------------------------------------------- lists and order


def test_the_list_shows_state_runnability_and_last_update(world, admin):
    create(admin, name="a")
    create(admin, simple_config(name="b", stages=[{"refId": "1", "type": "jenkins"}]))
    body = admin.get(APP).json()
    rows = {row["name"]: row for row in body["results"]}
    assert list(rows) == ["a", "b"]
    assert rows["a"]["runnable"] is True
    assert rows["b"]["runnable"] is False
    assert "jenkins" in rows["b"]["notRunnableReasons"][0]
    assert set(rows["a"]) >= {
        "id",
        "index",
        "disabled",
        "disabledInProjects",
        "locked",
        "updateTs",
        "lastModifiedBy",
        "updatedAt",
    }


def test_the_list_is_paginated_and_searchable(world, admin):
    for number in range(5):
        create(admin, name=f"pipeline {number}")
    page = admin.get(APP, {"limit": 2}).json()
    assert len(page["results"]) == 2
    assert page["next"]
    assert len(admin.get(page["next"]).json()["results"]) == 2
    found = admin.get(APP, {"q": "line 3"}).json()["results"]
    assert [row["name"] for row in found] == ["pipeline 3"]


def test_reorder_sets_the_positions(world, admin):
    a, b, c = (create(admin, name=name) for name in "abc")
    response = admin.post(APP + "reorder", {"ids": [c["id"], a["id"], b["id"]]}, format="json")
    assert response.status_code == 200
    assert [row["name"] for row in admin.get(APP).json()["results"]] == ["c", "a", "b"]
    front50 = admin.post(APP + "reorder", {"idsToIndices": {a["id"]: 5}}, format="json")
    assert front50.status_code == 200
    assert [row["name"] for row in admin.get(APP).json()["results"]] == ["c", "b", "a"]


def test_reorder_refuses_pipelines_of_other_applications(world, admin):
    response = admin.post(
        APP + "reorder", {"ids": ["00000000-0000-0000-0000-000000000000"]}, format="json"
    )
    assert response.status_code == 400
    assert (
        world.client("developer").post(APP + "reorder", {"ids": []}, format="json").status_code
        == 403
    )


# ---------------------------------------------------------------- delete, undelete, purge


def test_delete_hides_the_pipeline_and_undelete_brings_it_back(admin, doc):
    assert admin.delete(pipeline_path(doc["id"])).status_code == 204
    assert admin.get(pipeline_path(doc["id"])).status_code == 404
    assert admin.get(APP).json()["results"] == []
    deleted = admin.get(APP, {"deleted": "true"}).json()["results"]
    assert [row["id"] for row in deleted] == [doc["id"]]
    assert deleted[0]["deletedAt"]
    revisions = admin.get(pipeline_path(doc["id"], "revisions/")).json()["results"]
    assert revisions[0]["source"] == "delete"
    restored = admin.post(pipeline_path(doc["id"], "undelete"))
    assert restored.status_code == 200
    assert restored.json()["cdplatform"]["changeSource"] == "undelete"
    assert [row["id"] for row in admin.get(APP).json()["results"]] == [doc["id"]]


def test_undelete_is_refused_when_the_name_was_reused(admin, doc):
    admin.delete(pipeline_path(doc["id"]))
    create(admin, name=doc["name"])
    assert admin.post(pipeline_path(doc["id"], "undelete")).status_code == 409


def test_purge_removes_only_pipelines_deleted_before_the_retention(admin, doc):
    recent = create(admin, name="recent")
    admin.delete(pipeline_path(doc["id"]))
    admin.delete(pipeline_path(recent["id"]))
    Pipeline.objects.filter(pk=doc["id"]).update(deleted_at=timezone.now() - timedelta(days=40))
    out = StringIO()
    call_command("pipeline_purge_deleted", days=30, stdout=out)
    assert not Pipeline.objects.filter(pk=doc["id"]).exists()
    assert not Pipeline.history.filter(id=doc["id"]).exists()
    assert Pipeline.objects.filter(pk=recent["id"]).exists()
    assert "purged 1 pipeline" in out.getvalue()


def test_export_to_stdout_is_an_array_of_spinnaker_json(admin, doc):
    out = StringIO()
    call_command("pipeline_export", team="acme", stdout=out)
    exported = json.loads(out.getvalue())
    assert [item["id"] for item in exported] == [doc["id"]]
    assert "cdplatform" not in exported[0]


def test_the_deleted_list_pages_newest_deletion_first(world, admin):
    for name in ("a", "b", "c"):
        admin.delete(pipeline_path(create(admin, name=name)["id"]))
    page = admin.get(APP, {"deleted": "true", "limit": 2}).json()
    assert [row["name"] for row in page["results"]] == ["c", "b"]
    assert [row["name"] for row in admin.get(page["next"]).json()["results"]] == ["a"]
