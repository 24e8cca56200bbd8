"""Matching expected artifacts (regex fields) and gathering what stages and runs produced."""

from __future__ import annotations

import pytest

from engine.artifacts import (
    ArtifactResolutionError,
    artifact_matches,
    bind_start_artifacts,
    execution_artifacts,
    expected_artifacts,
    resolve_expected_artifacts,
    visible_artifacts,
)
from engine.memory import InMemoryEngine
from tests.engine.support import by_ref, run, stage

IMAGE = {"type": "docker/image", "name": "registry/app", "reference": "registry/app:1.2"}
CHART = {"type": "helm/chart", "name": "app", "version": "0.3.0"}


@pytest.mark.parametrize(
    ("match", "matches"),
    [
        ({"type": "docker/image"}, True),
        ({"type": "docker/.*", "name": "registry/app"}, True),
        ({"name": "app"}, False),  # the whole field must match
        ({"name": "registry/app", "version": "1.2"}, False),  # the artifact has no version
        ({"type": "", "name": None, "reference": r"registry/app:\d\.\d"}, True),
        ({"type": "docker/image", "uuid": "x", "artifactAccount": "y"}, True),  # never compared
        ({"name": "[registry/app"}, False),  # invalid pattern: compared literally
    ],
)
def test_match_fields_are_whole_field_regexes(match: dict[str, object], matches: bool) -> None:
    assert artifact_matches(match, IMAGE) is matches


def test_an_invalid_pattern_still_matches_its_literal_text() -> None:
    assert artifact_matches({"name": "app[1"}, {"name": "app[1"})


def test_expected_artifacts_bind_the_first_match_then_prior_then_default() -> None:
    expected = [
        {"id": "image", "matchArtifact": {"type": "docker/image"}},
        {"id": "chart", "matchArtifact": {"type": "helm/chart"}, "usePriorArtifact": True},
        {
            "id": "fallback",
            "matchArtifact": {"type": "s3/object"},
            "useDefaultArtifact": True,
            "defaultArtifact": {"type": "s3/object", "reference": "s3://b/k"},
        },
        {"id": "again", "matchArtifact": {"name": "registry/.*"}},
    ]
    resolved, artifacts = resolve_expected_artifacts(expected, [IMAGE], prior=[CHART])
    assert [each["boundArtifact"] for each in resolved] == [
        IMAGE,
        CHART,
        {"type": "s3/object", "reference": "s3://b/k"},
        IMAGE,
    ]
    assert artifacts == [IMAGE, CHART, {"type": "s3/object", "reference": "s3://b/k"}]
    assert "boundArtifact" not in expected[0]  # the input is not modified


def test_an_unbound_expected_artifact_is_an_error_naming_it() -> None:
    expected = [{"id": "e1", "displayName": "the chart", "matchArtifact": {"type": "helm/chart"}}]
    with pytest.raises(ArtifactResolutionError, match="Unmatched expected artifact the chart"):
        resolve_expected_artifacts(expected, [IMAGE])


def test_singular_and_plural_expected_artifacts_are_read() -> None:
    context = {"expectedArtifacts": [{"id": "a"}], "expectedArtifact": {"id": "b"}}
    assert [each["id"] for each in expected_artifacts(context)] == ["a", "b"]


def test_a_run_lists_later_artifacts_first_and_the_trigger_last(engine: InMemoryEngine) -> None:
    first = {"type": "t", "name": "first"}
    second = {"type": "t", "name": "second"}
    given = {"type": "t", "name": "given"}
    done = run(
        engine,
        stage("1", outputs={"artifacts": [first]}),
        stage("2", "1", outputs={"artifacts": [second]}),
        trigger={"type": "manual", "artifacts": [given]},
    )
    assert execution_artifacts(done) == [second, first, given]
    without_two = execution_artifacts(done, include=lambda each: each.ref_id != "2")
    assert without_two == [first, given]


def test_a_stage_sees_its_own_upstream_and_trigger_artifacts(engine: InMemoryEngine) -> None:
    upstream = {"type": "t", "name": "upstream"}
    elsewhere = {"type": "t", "name": "other branch"}
    given = {"type": "t", "name": "given"}
    done = run(
        engine,
        stage("1", outputs={"artifacts": [upstream]}),
        stage("2", outputs={"artifacts": [elsewhere]}),
        stage("3", "1"),
        trigger={"type": "manual", "artifacts": [given]},
    )
    assert visible_artifacts(by_ref(done, "3")) == [upstream, given]


def _expected(artifact_id: str, **flags: object) -> dict[str, object]:
    return {
        "id": artifact_id,
        "matchArtifact": {"type": "docker/image", "name": "registry/app"},
        "defaultArtifact": IMAGE,
        **flags,
    }


def test_a_manual_start_binds_the_defaults_but_not_artifacts_without_a_fallback() -> None:
    config = {
        "expectedArtifacts": [
            _expected("image", useDefaultArtifact=True),
            _expected("chart-only-from-a-trigger", useDefaultArtifact=False),
        ]
    }

    resolved, artifacts = bind_start_artifacts(
        config=config, trigger={"type": "manual"}, received=[], prior=list
    )

    assert [each["id"] for each in resolved] == ["image"]
    assert resolved[0]["boundArtifact"] == IMAGE
    assert artifacts == [IMAGE]


def test_a_trigger_binds_what_it_names_and_asks_for_a_prior_run_only_when_needed() -> None:
    asked: list[bool] = []
    received = {**IMAGE, "reference": "registry/app:2.0"}
    config = {
        "expectedArtifacts": [_expected("named"), _expected("fallback", usePriorArtifact=True)]
    }

    resolved, _ = bind_start_artifacts(
        config=config,
        trigger={"type": "docker", "expectedArtifactIds": ["named"]},
        received=[received],
        prior=lambda: asked.append(True) or [],
    )

    assert [each["boundArtifact"] for each in resolved] == [received, received]
    assert asked == [True]


def test_a_trigger_naming_an_undeclared_artifact_is_refused() -> None:
    with pytest.raises(ArtifactResolutionError, match="does not declare"):
        bind_start_artifacts(
            config={"expectedArtifacts": []},
            trigger={"expectedArtifactIds": ["ghost"]},
            received=[],
            prior=list,
        )
