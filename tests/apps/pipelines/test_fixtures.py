"""Real-world-shaped Spinnaker pipelines: valid ones import (with the expected warnings),
invalid ones are refused with pointers and nothing saved, and export/import round-trips."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from apps.applications.services import application_create
from apps.pipelines.documents import stored_config
from apps.pipelines.models import Pipeline
from apps.pipelines.validation import normalize
from tests.apps.pipelines.conftest import APP, FIXTURES, pipeline_path

VALID = json.loads((FIXTURES / "valid" / "expected.json").read_text())
INVALID = json.loads((FIXTURES / "invalid" / "expected.json").read_text())


def _fixture(kind: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / kind / name).read_text())


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_fixture_is_created_with_the_expected_warnings(world, admin, name):
    expected = VALID[name]
    response = admin.post(APP, _fixture("valid", name), format="json")
    assert response.status_code == 201, response.json()
    state = response.json()["cdplatform"]
    codes = {warning["code"] for warning in state["warnings"]}
    assert set(expected["warnings"]) <= codes, state["warnings"]
    assert all(warning["pointer"].startswith("/") for warning in state["warnings"])
    if "runnable" in expected:
        assert state["runnable"] is expected["runnable"]
        assert state["notRunnableReasons"] if not expected["runnable"] else True


def _without_new_trigger_ids(config: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(config)
    originals = original.get("triggers") or []
    for index, trigger in enumerate(result.get("triggers") or []):
        had_id = index < len(originals) and "id" in originals[index]
        if isinstance(trigger, dict) and not had_id:
            trigger.pop("id", None)
    return result


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_fixture_keeps_every_key_it_was_sent(world, admin, name):
    original = _fixture("valid", name)
    created = admin.post(APP, original, format="json").json()
    stored = admin.get(pipeline_path(created["id"])).json()
    expected, _ = normalize(stored_config(original))
    assert _without_new_trigger_ids(stored_config(stored), original) == _without_new_trigger_ids(
        expected, original
    )


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_fixture_is_refused_with_pointers_and_nothing_is_saved(world, admin, name):
    response = admin.post(APP, _fixture("invalid", name), format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    pointers = {error["pointer"] for error in body["details"]["errors"]}
    assert set(INVALID[name]) <= pointers, body["details"]["errors"]
    assert all(error["message"] for error in body["details"]["errors"])
    assert Pipeline.objects.count() == 0


def test_export_then_import_of_every_fixture_gives_the_same_json(world, tmp_path: Path):
    files = [FIXTURES / "valid" / name for name in sorted(VALID)]
    call_command(
        "pipeline_import", *map(str, files), team="acme", application="shop", stdout=StringIO()
    )
    call_command(
        "pipeline_export", team="acme", application="shop", out=tmp_path, stdout=StringIO()
    )
    exported = sorted((tmp_path / "shop").glob("*.json"))
    assert len(exported) == len(files)
    application_create(team=world.team, name="shop-copy")
    call_command(
        "pipeline_import",
        *map(str, exported),
        team="acme",
        application="shop-copy",
        stdout=StringIO(),
    )
    first = {
        p.name: stored_config(_export(p)) for p in Pipeline.objects.filter(application__name="shop")
    }
    second = {
        p.name: stored_config(_export(p))
        for p in Pipeline.objects.filter(application__name="shop-copy")
    }
    assert first == second


def test_reimporting_an_export_into_the_same_application_changes_nothing(world, tmp_path: Path):
    files = [str(FIXTURES / "valid" / name) for name in sorted(VALID)]
    call_command("pipeline_import", *files, team="acme", application="shop", stdout=StringIO())
    revisions = dict(Pipeline.objects.values_list("name", "revision"))
    call_command("pipeline_export", team="acme", out=tmp_path, stdout=StringIO())
    out = StringIO()
    call_command(
        "pipeline_import",
        *map(str, sorted((tmp_path / "shop").glob("*.json"))),
        team="acme",
        application="shop",
        stdout=out,
    )
    assert out.getvalue().count("unchanged") == len(files), out.getvalue()
    assert dict(Pipeline.objects.values_list("name", "revision")) == revisions


def _export(pipeline: Pipeline) -> dict[str, Any]:
    from apps.pipelines.selectors import pipeline_export

    return pipeline_export(Pipeline.objects.select_related("application__team").get(pk=pipeline.pk))
