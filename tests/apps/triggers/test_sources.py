"""Reading each sender's body (no database): pushes, tags, and what is ignored and why."""

from __future__ import annotations

import json

import pytest

from apps.triggers.sources import SourceError, parse
from tests.apps.triggers.conftest import fixture_bytes


def test_each_git_provider_reads_project_slug_and_ref() -> None:
    github = parse("git", "github", {"x-github-event": "push"}, fixture_bytes("github_push.json"))
    gitlab = parse(
        "git", "gitlab", {"x-gitlab-event": "Push Hook"}, fixture_bytes("gitlab_push.json")
    )
    coding = parse("git", "coding", {"x-coding-event": "push"}, fixture_bytes("coding_push.json"))
    gitee = parse("git", "gitee", {"x-gitee-event": "Push Hook"}, fixture_bytes("gitee_push.json"))

    found = [(i.git.project, i.git.slug, i.git.branch) for i in (github, gitlab, coding, gitee)]  # type: ignore[union-attr]
    assert found == [
        ("acme-inc", "shop-web", "main"),
        ("platform/backend", "order-service", "release/2.4"),
        ("shop", "shop-web", "master"),
        ("acme-inc", "shop-web", "develop"),
    ]
    assert gitee.git is not None
    assert not gitee.git.deleted  # a new branch, not a deletion


@pytest.mark.parametrize(
    ("source", "headers", "body", "reason"),
    [
        ("github", {"x-github-event": "pull_request"}, b"{}", "'pull_request'"),
        (
            "gitlab",
            {"x-gitlab-event": "Merge Request Hook"},
            b'{"object_kind": "merge_request"}',
            "Merge Request",
        ),
        ("coding", {"x-coding-event": "ping"}, b'{"token": "123", "zen": "x"}', "'ping'"),
        ("gitee", {"x-gitee-event": "Note Hook"}, b'{"hook_name": "note_hooks"}', "Note Hook"),
    ],
)
def test_other_git_events_are_ignored_with_the_reason(
    source: str, headers: dict[str, str], body: bytes, reason: str
) -> None:
    inbound = parse("git", source, headers, body)

    assert not inbound.actionable
    assert reason in inbound.ignored_reason


def test_registry_envelopes_keep_tagged_manifest_pushes_only() -> None:
    push = parse("docker", "registry", {}, fixture_bytes("registry_push.json"))
    envelope = json.loads(fixture_bytes("registry_push.json"))
    envelope["events"] = envelope["events"][:1]  # the layer push alone
    layers = parse("docker", "registry", {}, json.dumps(envelope).encode())

    assert [(i.registry, i.repository, i.tag) for i in push.images] == [
        ("registry.local:5000", "shop/web", "2.4.1")
    ]
    assert push.delivery_id == "320678d8-ca14-430f-8bb6-4ca139cd83f7,asdf-asdf-asdf-asdf-1"
    assert not layers.actionable


def test_tcr_harbor_and_coding_images() -> None:
    tcr = parse("docker", "tcr", {}, fixture_bytes("tcr_push_image.json"))
    harbor = parse("docker", "tcr", {}, fixture_bytes("harbor_push_artifact.json"))
    coding = parse("docker", "coding", {}, fixture_bytes("coding_artifact_version_created.json"))

    assert [
        (i.registry, i.repository, i.tag) for i in (*tcr.images, *harbor.images, *coding.images)
    ] == [
        ("acme-bj.tencentcloudcr.com", "public/nginx", "v1.10.0"),
        ("harbor.example.com", "library/nginx", "latest"),
        ("acme-docker.pkg.coding.net", "shop/images/shop-web", "2.4.1"),
    ]
    deleted = parse("docker", "tcr", {}, b'{"type": "deleteImage", "event_data": {}}')
    assert not deleted.actionable


def test_bodies_a_sender_never_posts_are_errors() -> None:
    with pytest.raises(SourceError):
        parse("webhook", "ci", {}, b"[1, 2]")
    with pytest.raises(SourceError):
        parse("webhook", "ci", {}, b'{"a": NaN}')
    with pytest.raises(SourceError):
        parse("git", "github", {"content-type": "application/x-www-form-urlencoded"}, b"x=1")
