"""Runnability is computed when read: unknown or not-yet-runnable stage types make a pipeline
`runnable: false` with reasons, and it flips to true once the engine can run every type."""

from __future__ import annotations

import pytest

from apps.core.errors import Conflict, ErrorCode
from apps.executions import registry
from apps.pipelines import selectors
from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import create, pipeline_path, simple_config

DEPLOY = {
    "refId": "1",
    "type": "deployManifest",
    "account": "k8s",
    "manifests": [{"kind": "ConfigMap", "metadata": {"name": "x"}}],
}


def test_built_in_stage_types_are_runnable(admin, world):
    body = create(admin)
    assert body["cdplatform"]["runnable"] is True
    assert selectors.pipeline_get_for_start(pipeline_id=body["id"]).pk


def test_a_known_type_without_an_implementation_is_not_runnable_yet(world, admin, monkeypatch):
    monkeypatch.setattr(selectors, "is_runnable_stage_type", lambda t: t in {"wait"})
    body = create(admin, simple_config(stages=[DEPLOY]))
    assert body["cdplatform"]["runnable"] is False
    assert body["cdplatform"]["notRunnableReasons"] == [
        "Stage type 'deployManifest' (/stages/0) cannot run on this installation yet."
    ]
    with pytest.raises(Conflict) as refused:
        selectors.pipeline_get_for_start(pipeline_id=body["id"])
    assert refused.value.code is ErrorCode.NOT_RUNNABLE
    assert refused.value.details["reasons"]


def test_runnability_flips_when_the_stage_type_lands(world, admin, monkeypatch):
    monkeypatch.setattr(selectors, "is_runnable_stage_type", lambda t: False)
    body = create(admin, simple_config(stages=[DEPLOY]))
    assert admin.get(pipeline_path(body["id"])).json()["cdplatform"]["runnable"] is False
    monkeypatch.setattr(selectors, "is_runnable_stage_type", lambda t: True)
    assert admin.get(pipeline_path(body["id"])).json()["cdplatform"]["runnable"] is True


def test_unknown_stage_types_are_kept_with_a_warning_and_make_it_unrunnable(world, admin):
    stage = {"refId": "1", "type": "kayentaCanary", "analysisType": "realTime", "x": [1]}
    body = create(admin, simple_config(stages=[stage]))
    assert body["stages"] == [stage]
    warning = body["cdplatform"]["warnings"][0]
    assert (warning["pointer"], warning["code"]) == ("/stages/0/type", "unknown_stage_type")
    assert "not supported" in body["cdplatform"]["notRunnableReasons"][0]


def test_stages_for_another_cloud_provider_are_not_runnable(world, admin):
    stage = {"refId": "1", "type": "deploy", "clusters": [{"cloudProvider": "aws", "account": "a"}]}
    body = create(admin, simple_config(stages=[stage]))
    assert any(w["code"] == "unsupported_provider" for w in body["cdplatform"]["warnings"])
    assert any("'aws'" in reason for reason in body["cdplatform"]["notRunnableReasons"])


def test_aliases_resolve_to_their_stage_type(world, admin, monkeypatch):
    monkeypatch.setattr(selectors, "is_runnable_stage_type", lambda t: t == "runJobManifest")
    stage = {"refId": "1", "type": "runJob", "account": "k8s", "manifest": {"kind": "Job"}}
    body = create(admin, simple_config(stages=[stage]))
    assert body["cdplatform"]["runnable"] is True


def test_the_engine_config_carries_server_keys_but_not_the_platform_block(world, admin):
    body = create(admin)
    config = selectors.pipeline_config_for_run(Pipeline.objects.get(pk=body["id"]))
    assert config["id"] == body["id"]
    assert config["application"] == "shop"
    assert "cdplatform" not in config
    assert config["stages"] == body["stages"]


def test_the_registry_decides_what_is_runnable(world):
    assert registry.is_runnable_stage_type("wait")


def test_a_pipeline_id_is_found_by_team_application_and_name(world, admin):
    body = create(admin, name="deploy")
    found = selectors.pipeline_id_for_name(team=world.team, application="shop", name="deploy")
    assert found == body["id"]
    assert (
        selectors.pipeline_id_for_name(team=world.other_team, application="shop", name="deploy")
        is None
    )
    admin.delete(pipeline_path(body["id"]))
    assert (
        selectors.pipeline_id_for_name(team=world.team, application="shop", name="deploy") is None
    )
