"""Revision history: every write is a revision; list, view, diff any two, restore any one."""

from __future__ import annotations

import pytest

from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import create, merge_patch, pipeline_path


@pytest.fixture
def doc(world, admin):
    pipeline = create(admin)
    merge_patch(admin, pipeline["id"], {"description": "second"}, HTTP_X_CHANGE_NOTE="describe")
    merge_patch(admin, pipeline["id"], {"stages": [{"refId": "1", "type": "wait", "waitTime": 1}]})
    return pipeline


def test_revisions_are_listed_newest_first_with_source_user_and_note(admin, doc):
    response = admin.get(pipeline_path(doc["id"], "revisions/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["revision"] for row in rows] == [3, 2, 1]
    assert {row["source"] for row in rows} == {"api"}
    assert {row["user"] for row in rows} == {"admin"}
    assert rows[1]["note"] == "describe"
    assert rows[0]["createdAt"]
    assert rows[0]["updateTs"].isdigit()


def test_the_revision_list_is_paginated(admin, doc):
    page = admin.get(pipeline_path(doc["id"], "revisions/"), {"limit": 2}).json()
    assert [row["revision"] for row in page["results"]] == [3, 2]
    assert [row["revision"] for row in admin.get(page["next"]).json()["results"]] == [1]


def test_a_revision_shows_the_config_as_it_was(admin, doc):
    response = admin.get(pipeline_path(doc["id"], "revisions/1/"))
    assert response.status_code == 200
    old = response.json()["pipeline"]
    assert old["stages"] == doc["stages"]
    assert "description" not in old
    assert admin.get(pipeline_path(doc["id"], "revisions/9/")).status_code == 404


def test_diff_lists_operations_with_pointers_and_a_unified_text_diff(admin, doc):
    response = admin.get(pipeline_path(doc["id"], "revisions/diff"), {"from": 1, "to": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["operations"] == [{"op": "add", "path": "/description", "new": "second"}]
    assert '+  "description": "second",' in body["text"]
    assert body["text"].startswith("--- revision 1\n+++ revision 2\n")


def test_diff_against_current_is_the_default_and_reports_changes_and_removals(admin, doc):
    body = admin.get(pipeline_path(doc["id"], "revisions/diff"), {"from": 1}).json()
    ops = {(op["op"], op["path"]) for op in body["operations"]}
    assert ("change", "/stages/0/waitTime") in ops
    assert ("remove", "/stages/1") in ops
    assert ("remove", "/stages/0/name") in ops
    assert "updateTs" not in body["text"]


def test_diff_needs_valid_revisions(admin, doc):
    path = pipeline_path(doc["id"], "revisions/diff")
    assert admin.get(path, {"from": "first"}).status_code == 400
    assert admin.get(path, {"from": 42}).status_code == 404


def test_restore_creates_a_new_revision_with_the_old_config(admin, doc):
    response = admin.post(pipeline_path(doc["id"], "revisions/1/restore"), {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["stages"] == doc["stages"]
    assert "description" not in body
    latest = admin.get(pipeline_path(doc["id"], "revisions/")).json()["results"][0]
    assert (latest["revision"], latest["source"], latest["note"]) == (
        4,
        "restore",
        "Restored revision 1.",
    )


def test_restoring_a_revision_invalid_under_todays_rules_is_refused(admin, doc):
    record = Pipeline.history.get(id=doc["id"], revision=1)
    record.config["stages"][1]["requisiteStageRefIds"] = ["missing"]
    record.save()
    response = admin.post(pipeline_path(doc["id"], "revisions/1/restore"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "nothing was restored" in body["message"]
    assert body["details"]["errors"][0]["pointer"] == "/stages/1/requisiteStageRefIds/0"
    assert Pipeline.objects.get(pk=doc["id"]).revision == 3


def test_state_changes_are_revisions_with_their_own_sources(admin, doc):
    admin.post(pipeline_path(doc["id"], "lock"), {"description": "frozen"}, format="json")
    admin.post(pipeline_path(doc["id"], "unlock"), {}, format="json")
    admin.post(pipeline_path(doc["id"], "disable"), {"scope": "team"}, format="json")
    admin.post(pipeline_path(doc["id"], "enable"), {"scope": "team"}, format="json")
    rows = admin.get(pipeline_path(doc["id"], "revisions/")).json()["results"]
    assert [row["source"] for row in rows[:4]] == ["enable", "disable", "unlock", "lock"]


def test_repeating_a_state_change_records_nothing(admin, doc):
    for _ in range(2):
        admin.post(pipeline_path(doc["id"], "disable"), {"scope": "team"}, format="json")
    assert Pipeline.objects.get(pk=doc["id"]).revision == 4


def test_revisions_need_read_access(world, doc):
    assert world.client("developer").get(pipeline_path(doc["id"], "revisions/")).status_code == 200
    assert world.client("member").get(pipeline_path(doc["id"], "revisions/")).status_code == 404
    restore = world.client("developer").post(pipeline_path(doc["id"], "revisions/1/restore"))
    assert restore.status_code == 403
