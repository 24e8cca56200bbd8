"""Disabling for the whole team or inside chosen projects, permission-checked both ways; what a
disabled pipeline refuses, and the scope named in the refusal."""

from __future__ import annotations

import pytest

from apps.core.errors import Conflict, ErrorCode, NotFound
from apps.pipelines.models import Pipeline
from apps.pipelines.selectors import pipeline_disabled_scope, pipeline_get_for_start
from apps.teams.models import Project
from apps.teams.services import project_create
from tests.apps.pipelines.conftest import create, pipeline_path


@pytest.fixture
def doc(world, admin):
    return create(admin)


def _disable(client, pipeline_id, scope="team", projects=None, action="disable"):
    body = {"scope": scope} | ({"projects": projects} if projects is not None else {})
    return client.post(pipeline_path(pipeline_id, action), body, format="json")


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
def test_team_scope_needs_the_team_disable_permission(world, doc, role, status):
    response = _disable(world.client(role), doc["id"])
    assert response.status_code == status
    if status == 403:
        assert "whole team" in response.json()["message"]
    enable = _disable(world.client(role), doc["id"], action="enable")
    assert enable.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("admin", 200),
        ("project_admin", 200),
        ("developer", 403),
        ("viewer", 403),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_project_scope_needs_admin_of_the_project(world, doc, role, status):
    response = _disable(world.client(role), doc["id"], "projects", ["web"])
    assert response.status_code == status
    if status == 403:
        assert "'web'" in response.json()["message"]
    enable = _disable(world.client(role), doc["id"], "projects", ["web"], action="enable")
    assert enable.status_code == status


def test_team_disable_sets_spinnakers_disabled_and_enable_clears_it(admin, doc):
    body = _disable(admin, doc["id"]).json()
    assert body["disabled"] is True
    assert body["cdplatform"]["disabledInProjects"] == []
    assert _disable(admin, doc["id"], action="enable").json()["disabled"] is False


def test_project_disable_is_kept_outside_spinnakers_keys(admin, doc):
    body = _disable(admin, doc["id"], "projects", ["web"]).json()
    assert body["disabled"] is False
    assert body["cdplatform"]["disabledInProjects"] == ["web"]
    row = admin.get("/api/v1/teams/acme/applications/shop/pipelines/").json()["results"][0]
    assert row["disabledInProjects"] == ["web"]
    assert row["disabled"] is False


def test_project_scope_refuses_unknown_unbound_or_missing_projects(world, admin, doc):
    project_create(team=world.team, slug="mobile", name="Mobile")
    unknown = _disable(admin, doc["id"], "projects", ["nope"])
    assert unknown.status_code == 400
    assert unknown.json()["details"]["errors"][0]["pointer"] == "/projects/0"
    unbound = _disable(admin, doc["id"], "projects", ["web", "mobile"])
    assert unbound.status_code == 400
    assert unbound.json()["details"]["errors"][0]["pointer"] == "/projects/1"
    assert _disable(admin, doc["id"], "projects", []).status_code == 400
    assert Pipeline.objects.get(pk=doc["id"]).disabled_project_ids == []


def test_a_team_disabled_pipeline_refuses_every_start_naming_the_scope(admin, doc):
    _disable(admin, doc["id"])
    pipeline = Pipeline.objects.get(pk=doc["id"])
    assert "whole team" in pipeline_disabled_scope(pipeline)
    with pytest.raises(Conflict) as refused:
        pipeline_get_for_start(pipeline_id=doc["id"])
    assert refused.value.code is ErrorCode.DISABLED
    assert refused.value.status_code == 409
    assert "whole team" in refused.value.message


def test_a_project_disabled_pipeline_refuses_only_that_projects_release_orders(world, admin, doc):
    mobile = project_create(team=world.team, slug="mobile", name="Mobile")
    Pipeline.objects.get(pk=doc["id"]).application.projects.add(mobile)
    _disable(admin, doc["id"], "projects", ["web"])
    pipeline = Pipeline.objects.get(pk=doc["id"])
    web = Project.objects.get(slug="web")
    assert (
        pipeline_disabled_scope(pipeline, web) == "Pipeline 'deploy' is disabled in project 'web'."
    )
    assert pipeline_disabled_scope(pipeline, mobile) is None
    assert pipeline_disabled_scope(pipeline) is None
    with pytest.raises(Conflict, match="project 'web'"):
        pipeline_get_for_start(pipeline_id=doc["id"], project=web)
    assert pipeline_get_for_start(pipeline_id=doc["id"], project=mobile).pk == pipeline.pk


def test_team_and_project_disabling_are_independent(admin, doc):
    _disable(admin, doc["id"], "projects", ["web"])
    _disable(admin, doc["id"])
    body = _disable(admin, doc["id"], action="enable").json()
    assert body["disabled"] is False
    assert body["cdplatform"]["disabledInProjects"] == ["web"]


def test_a_deleted_pipeline_cannot_be_started(admin, doc):
    admin.delete(pipeline_path(doc["id"]))
    with pytest.raises(NotFound):
        pipeline_get_for_start(pipeline_id=doc["id"])
