"""`pipeline_import` / `pipeline_export`: per-pipeline outcome lines, pointers on errors, exit
status, arrays per file, updates by id or name, files per application."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import FIXTURES, simple_config


def _write(path: Path, data) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def _import(*files: str, **options) -> str:
    out = StringIO()
    call_command("pipeline_import", *files, team="acme", application="shop", stdout=out, **options)
    return out.getvalue()


def test_an_array_file_creates_each_pipeline_and_prints_warnings(world, tmp_path):
    legacy = json.loads((FIXTURES / "valid" / "jenkins-ci-cd.json").read_text())
    path = _write(tmp_path / "many.json", [simple_config(name="one"), legacy])
    output = _import(path, user="admin", note="migrated from Spinnaker")
    assert "created   one (" in output
    assert "created   build and deploy (" in output
    assert "warning /stages/0/type: Unknown stage type 'jenkins'" in output
    pipeline = Pipeline.objects.get(name="one")
    assert (pipeline.last_modified_by, pipeline.change_source) == ("admin", "import")
    record = Pipeline.history.get(id=pipeline.pk)
    assert record.history_change_reason == "migrated from Spinnaker"


def test_an_existing_pipeline_is_updated_by_id_or_name(world, tmp_path):
    _import(_write(tmp_path / "a.json", simple_config(name="deploy")))
    changed = simple_config(name="deploy", description="second import")
    output = _import(_write(tmp_path / "b.json", changed))
    assert output.startswith("updated   deploy (")
    assert Pipeline.objects.get(name="deploy").config["description"] == "second import"
    assert Pipeline.objects.count() == 1


def test_the_files_state_applies_on_import(world, tmp_path):
    locked = simple_config(name="frozen", disabled=True, locked={"ui": True, "description": "CI"})
    _import(_write(tmp_path / "a.json", locked))
    pipeline = Pipeline.objects.get(name="frozen")
    assert pipeline.disabled is True
    assert pipeline.lock == {"ui": True, "allowUnlockUi": True, "description": "CI"}


def test_invalid_pipelines_print_pointers_and_the_command_fails(world, tmp_path):
    bad = json.loads((FIXTURES / "invalid" / "cycle.json").read_text())
    out = StringIO()
    path = _write(tmp_path / "mixed.json", [simple_config(name="fine"), bad])
    with pytest.raises(CommandError, match="1 pipeline"):
        call_command("pipeline_import", path, team="acme", application="shop", stdout=out)
    assert "failed    circular" in out.getvalue()
    assert "error   /stages/0/requisiteStageRefIds:" in out.getvalue()
    assert list(Pipeline.objects.values_list("name", flat=True)) == ["fine"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"team": "acme", "application": "nope"}, "No application"),
        ({"team": "acme", "application": "shop", "user": "ghost"}, "No user"),
    ],
)
def test_bad_arguments_are_command_errors(world, tmp_path, options, message):
    path = _write(tmp_path / "a.json", simple_config())
    with pytest.raises(CommandError, match=message):
        call_command("pipeline_import", path, stdout=StringIO(), **options)


def test_unreadable_json_is_a_command_error(world, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="cannot read JSON"):
        _import(str(path))


def test_export_writes_one_file_per_pipeline_under_its_application(world, tmp_path):
    _import(_write(tmp_path / "a.json", [simple_config(name="a/b"), simple_config(name="a_b")]))
    out_dir = tmp_path / "out"
    call_command("pipeline_export", team="acme", out=out_dir, stdout=StringIO())
    files = sorted(path.name for path in (out_dir / "shop").glob("*.json"))
    assert len(files) == 2
    assert "a_b.json" in files
    names = {json.loads((out_dir / "shop" / name).read_text())["name"] for name in files}
    assert names == {"a/b", "a_b"}
