"""The catalogue API: every stage type of the design, bilingual labels, fields, runnability."""

from __future__ import annotations

import pytest

DESIGN_STAGE_TYPES = {
    "wait", "manualJudgment", "checkPreconditions", "evaluateVariables", "webhook", "pipeline",
    "findArtifactFromExecution", "deployManifest", "deleteManifest", "scaleManifest",
    "patchManifest", "undoRolloutManifest", "enableManifest", "disableManifest",
    "runJobManifest", "findArtifactFromResource", "bakeManifest", "deploy", "resizeServerGroup",
    "enableServerGroup", "disableServerGroup", "destroyServerGroup", "cloneServerGroup",
    "rollbackCluster", "disableCluster", "scaleDownCluster", "shrinkCluster", "rollingUpdate",
}  # fmt: skip


def test_the_catalogue_lists_every_stage_type_with_both_languages(world):
    body = world.client("member").get("/api/v1/catalog/").json()
    types = {stage["type"]: stage for stage in body["stageTypes"]}
    assert set(types) >= DESIGN_STAGE_TYPES
    # Tencent Cloud's single-group deploy and instance-refresh follow-ups, as the engine runs them.
    assert set(types) - DESIGN_STAGE_TYPES == {
        "createServerGroup",
        "resumeInstanceRefresh",
        "rollbackInstanceRefresh",
    }
    for stage in types.values():
        assert stage["label"]["en"]
        assert stage["label"]["zh-Hans"]
        assert stage["description"]["en"]
        assert stage["description"]["zh-Hans"]
        assert stage["group"] in ("general", "kubernetes", "tencentcloud")
        assert isinstance(stage["runnable"], bool)
    assert types["wait"]["runnable"] is True
    assert {field["name"] for field in body["commonStageFields"]} >= {
        "refId", "requisiteStageRefIds", "stageEnabled", "failPipeline", "stageTimeoutMs",
    }  # fmt: skip
    assert body["templates"] == ["blank", "kubernetes", "tencent-autoscaling"]


def test_a_stage_type_is_found_by_its_alias(world):
    response = world.client("member").get("/api/v1/catalog/stage-types/runJob/")
    assert response.status_code == 200
    assert response.json()["type"] == "runJobManifest"
    assert world.client("member").get("/api/v1/catalog/stage-types/nope/").status_code == 404


def test_fields_carry_types_defaults_and_enums_for_forms(world):
    deploy = world.client("member").get("/api/v1/catalog/stage-types/deployManifest/").json()
    fields = {field["name"]: field for field in deploy["fields"]}
    assert {"anyOf": ["account", "credentials"]}.items() <= deploy["requirements"][0].items()
    assert fields["source"]["enum"] == ["text", "artifact"]
    assert fields["source"]["default"] == "text"
    options = {f["name"]: f for f in fields["trafficManagement"]["fields"]}["options"]
    strategy = {f["name"]: f for f in options["fields"]}["strategy"]
    assert "redblack" in strategy["enum"]


@pytest.mark.parametrize(
    ("path", "supported", "kept"),
    [
        (
            "/api/v1/catalog/trigger-types/",
            {"webhook", "git", "docker", "pipeline", "cron", "manual"},
            "jenkins",
        ),
        (
            "/api/v1/catalog/notification-types/",
            {"wecom", "dingtalk", "feishu", "email", "webhook", "inbox"},
            "slack",
        ),
    ],
)
def test_trigger_and_notification_types_say_what_this_platform_runs(world, path, supported, kept):
    rows = {row["type"]: row for row in world.client("member").get(path).json()["results"]}
    assert {name for name, row in rows.items() if row["supported"]} == supported
    assert rows[kept]["supported"] is False


def test_the_catalogue_needs_a_login(api):
    assert api.get("/api/v1/catalog/").status_code == 401
