"""Creating pipelines: full JSON, templates, copies; names, ids, permissions, bad bodies."""

from __future__ import annotations

import uuid

import pytest

from apps.applications.services import application_create
from apps.pipelines.models import Pipeline
from tests.apps.pipelines.conftest import APP, create, pipeline_path, simple_config


def test_full_config_is_stored_and_server_keys_are_set(world, admin):
    response = admin.post(APP, simple_config(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["application"] == "shop"
    assert body["index"] == 0
    assert isinstance(body["updateTs"], str)
    assert body["updateTs"].isdigit()
    assert body["lastModifiedBy"] == "admin"
    assert body["disabled"] is False
    assert "locked" not in body
    assert body["cdplatform"]["revision"] == 1
    assert response["ETag"] == f'"1-{body["updateTs"]}"'
    assert body["stages"] == simple_config()["stages"]


def test_new_pipelines_are_appended_to_the_list(world, admin):
    first = create(admin, name="one")
    second = create(admin, name="two")
    assert (first["index"], second["index"]) == (0, 1)


def test_a_free_id_in_the_body_is_kept_and_a_taken_one_is_replaced(world, admin):
    wanted = str(uuid.uuid4())
    kept = create(admin, simple_config(name="kept", id=wanted))
    assert kept["id"] == wanted
    replaced = create(admin, simple_config(name="other", id=wanted))
    assert replaced["id"] != wanted


def test_name_is_required_trimmed_and_unique_in_the_application(world, admin):
    missing = admin.post(APP, {"stages": []}, format="json")
    assert missing.status_code == 400
    assert missing.json()["details"]["errors"][0]["pointer"] == "/name"
    trimmed = create(admin, simple_config(name="  spaced  "))
    assert trimmed["name"] == "spaced"
    duplicate = admin.post(APP, simple_config(name="spaced"), format="json")
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["message"]


def test_the_same_name_may_exist_in_another_application(world, admin):
    application_create(team=world.team, name="api", projects=["web"])
    create(admin, simple_config(name="deploy"))
    other = admin.post(
        "/api/v1/teams/acme/applications/api/pipelines/",
        simple_config(name="deploy"),
        format="json",
    )
    assert other.status_code == 201


def test_a_body_that_is_not_an_object_is_refused(world, admin):
    response = admin.post(APP, [simple_config()], format="json")
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/"


def test_disabled_and_locked_in_a_created_body_are_ignored_with_warnings(world, admin):
    body = create(
        admin, simple_config(disabled=True, locked={"ui": True, "description": "CI owns it"})
    )
    assert body["disabled"] is False
    assert "locked" not in body
    codes = {(w["pointer"], w["code"]) for w in body["cdplatform"]["warnings"]}
    assert {("/disabled", "ignored"), ("/locked", "ignored")} <= codes


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 201),
        ("admin", 201),
        ("project_admin", 403),
        ("developer", 403),
        ("viewer", 403),
        ("member", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_creating_needs_the_manage_pipelines_permission(world, role, status):
    response = world.client(role).post(APP, simple_config(), format="json")
    assert response.status_code == status


def test_a_read_only_token_cannot_create(world):
    response = world.client("admin", scopes=["read"]).post(APP, simple_config(), format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize("template", ["blank", "kubernetes", "tencent-autoscaling"])
def test_templates_create_valid_pipelines_without_warnings(world, admin, template):
    response = admin.post(APP, {"name": f"from {template}", "template": template}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cdplatform"]["warnings"] == []
    for reason in body["cdplatform"]["notRunnableReasons"]:
        assert "cannot run on this installation yet" in reason  # every stage type is known


def test_the_kubernetes_template_deploys_red_black_and_branches_on_the_judgment(world, admin):
    body = admin.post(APP, {"name": "release", "template": "kubernetes"}, format="json").json()
    stages = {stage["refId"]: stage for stage in body["stages"]}
    deploy = stages["2"]
    assert deploy["account"] == "sandbox-k8s"
    assert deploy["moniker"] == {"app": "shop"}
    assert deploy["trafficManagement"]["options"]["strategy"] == "redblack"
    assert deploy["trafficManagement"]["options"]["services"] == ["service shop"]
    judgment = stages["3"]
    assert judgment["type"] == "manualJudgment"
    promote, rollback = stages["4"], stages["5"]
    assert promote["requisiteStageRefIds"] == rollback["requisiteStageRefIds"] == ["3"]
    assert "promote" in promote["stageEnabled"]["expression"]
    assert "rollback" in rollback["stageEnabled"]["expression"]
    assert {stages["5"]["type"], stages["6"]["type"]} == {"enableManifest", "disableManifest"}


def test_the_tencent_template_deploys_two_groups_in_parallel_then_cleans_up(world, admin):
    body = admin.post(APP, {"name": "as", "template": "tencent-autoscaling"}, format="json").json()
    deploys = [stage for stage in body["stages"] if stage["type"] == "deploy"]
    assert len(deploys) == 2
    assert all(stage["requisiteStageRefIds"] == [] for stage in deploys)
    clusters = [stage["clusters"][0] for stage in deploys]
    assert {cluster["accountName"] for cluster in clusters} == {"sandbox-tencent"}
    assert {cluster["strategy"] for cluster in clusters} == {"redblack"}
    assert {cluster["application"] for cluster in clusters} == {"shop"}
    cleanup = [stage for stage in body["stages"] if stage["type"] == "shrinkCluster"]
    assert len(cleanup) == 2


def test_an_unknown_template_is_refused(world, admin):
    response = admin.post(APP, {"name": "x", "template": "jenkins"}, format="json")
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/template"


def test_an_mpt_template_object_is_a_full_config_not_a_template_name(world, admin):
    config = simple_config(type="templatedPipeline", template={"reference": "spinnaker://x"})
    body = create(admin, config)
    assert body["template"] == {"reference": "spinnaker://x"}
    assert body["cdplatform"]["runnable"] is False


# ---------------------------------------------------------------- copies


def _with_triggers():
    return simple_config(
        name="original",
        triggers=[
            {"type": "webhook", "enabled": True, "source": "ci"},
            {"type": "cron", "enabled": False, "cronExpression": "0 0 3 * * ?"},
        ],
    )


def test_a_copy_keeps_the_config_and_disables_its_triggers(world, admin):
    application_create(team=world.team, name="api", projects=["web"])
    original = admin.post(
        "/api/v1/teams/acme/applications/api/pipelines/", _with_triggers(), format="json"
    ).json()
    response = admin.post(APP, {"name": "copy", "copyFrom": original["id"]}, format="json")
    assert response.status_code == 201, response.json()
    copy = response.json()
    assert copy["application"] == "shop"
    assert copy["stages"] == original["stages"]
    assert [trigger["enabled"] for trigger in copy["triggers"]] == [False, False]
    assert {t["id"] for t in copy["triggers"]}.isdisjoint({t["id"] for t in original["triggers"]})
    disabled = [w for w in copy["cdplatform"]["warnings"] if w["code"] == "trigger_disabled"]
    assert [w["pointer"] for w in disabled] == ["/triggers/0"]
    assert copy["cdplatform"]["changeSource"] == "copy"
    source_now = admin.get(pipeline_path(original["id"])).json()
    assert source_now["triggers"][0]["enabled"] is True


def test_copying_from_another_team_or_an_unreadable_pipeline_is_not_found(world, admin):
    outsider = world.client("outsider")
    foreign = outsider.post(
        "/api/v1/teams/other/applications/secret-app/pipelines/", simple_config(), format="json"
    ).json()
    response = admin.post(APP, {"name": "copy", "copyFrom": foreign["id"]}, format="json")
    assert response.status_code == 404
    missing = admin.post(APP, {"name": "copy", "copyFrom": str(uuid.uuid4())}, format="json")
    assert missing.status_code == 404
    assert Pipeline.objects.filter(name="copy").count() == 0


def test_copy_and_template_bodies_refuse_unknown_keys(world, admin):
    response = admin.post(APP, {"name": "x", "template": "blank", "stages": []}, format="json")
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/stages"
