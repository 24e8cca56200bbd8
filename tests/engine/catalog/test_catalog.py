"""The catalogue covers the design's stage types, in both languages, and serialises to JSON."""

from __future__ import annotations

import json

import pytest

from engine.catalog import CATALOG, FieldType, StageGroup, target_mode


def test_aliases_resolve_to_the_canonical_stage_type():
    assert CATALOG.stage_type("runJob").type == "runJobManifest"
    assert CATALOG.stage_type("findArtifactsFromResource").type == "findArtifactFromResource"
    assert CATALOG.stage_type("jenkins") is None


def test_every_type_and_field_has_english_and_chinese_labels():
    def walk(field):
        assert field.label.en
        assert field.label.zh
        for child in (*field.fields, field.items, field.values):
            if child is not None:
                walk(child)

    for stage_type in CATALOG.stage_types():
        assert stage_type.label.en
        assert stage_type.label.zh
        assert stage_type.description.zh
        for field in CATALOG.stage_fields(stage_type.type):
            walk(field)
    for trigger_type in CATALOG.trigger_types():
        assert trigger_type.label.zh
    for channel in CATALOG.notification_types():
        assert channel.label.en


def test_groups_match_the_design():
    groups = {stage.type: stage.group for stage in CATALOG.stage_types()}
    assert groups["deployManifest"] is StageGroup.KUBERNETES
    assert groups["deploy"] is StageGroup.TENCENTCLOUD
    assert groups["webhook"] is StageGroup.GENERAL


def test_field_names_are_unique_per_stage_type():
    for stage_type in CATALOG.stage_types():
        names = [field.name for field in CATALOG.stage_fields(stage_type.type)]
        assert len(names) == len(set(names)), stage_type.type


def test_defaults_have_the_type_of_their_field():
    kinds = {
        FieldType.STRING: str,
        FieldType.INTEGER: int,
        FieldType.BOOLEAN: bool,
        FieldType.ARRAY: list,
    }
    for stage_type in CATALOG.stage_types():
        for field in CATALOG.stage_fields(stage_type.type):
            if field.has_default and field.type in kinds:
                assert isinstance(field.default, kinds[field.type]), (stage_type.type, field.name)


def test_the_catalogue_serialises_to_plain_json():
    data = json.loads(json.dumps(CATALOG.to_json()))
    assert {
        "stageTypes",
        "triggerTypes",
        "notificationTypes",
        "commonStageFields",
        "events",
    } <= set(data)
    deploy = next(stage for stage in data["stageTypes"] if stage["type"] == "deployManifest")
    assert deploy["label"] == {"en": "Deploy (Manifest)", "zh-Hans": "部署 (Manifest)"}
    assert any(req["anyOf"] == ["manifests", "manifest"] for req in deploy["requirements"])


@pytest.mark.parametrize(
    ("stage", "mode"),
    [
        ({"mode": "Label", "manifestName": "deployment web"}, "label"),
        ({"manifestName": "deployment web", "labelSelectors": {"selectors": [{}]}}, "static"),
        ({"kinds": ["deployment"], "labelSelectors": {"selectors": [{"key": "a"}]}}, "label"),
        ({"cluster": "replicaSet web", "criteria": "newest"}, "dynamic"),
        ({"cluster": "replicaSet web", "labelSelectors": {"selectors": []}}, "dynamic"),
        ({"labelSelectors": {"selectors": []}}, "static"),
    ],
)
def test_a_target_stage_without_a_mode_selects_the_way_its_keys_imply(stage, mode):
    assert target_mode(stage) == mode


def test_a_label_delete_without_a_mode_needs_no_manifest_name():
    stage = {
        "refId": "1",
        "type": "deleteManifest",
        "account": "k8s",
        "kinds": ["deployment"],
        "labelSelectors": {"selectors": [{"key": "app", "kind": "EQUALS", "values": ["web"]}]},
    }

    assert CATALOG.check_stage(stage, "/stages/0") == []
    static = CATALOG.check_stage({**stage, "mode": "static"}, "/stages/0")
    assert [problem.pointer for problem in static] == ["/stages/0/manifestName"]
