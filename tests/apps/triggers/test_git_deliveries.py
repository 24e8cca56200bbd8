"""Git push deliveries from GitHub, GitLab, CODING and Gitee: real-format payloads, signatures
on the raw body, replays, non-matching branches and tags, and what started."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import pytest

from apps.triggers.models import DeliveryStatus, TriggerDelivery
from tests.apps.triggers.conftest import (
    coding_signature,
    create_pipeline,
    deliver,
    executions_of,
    fixture_bytes,
    hub_signature,
    set_secret,
    trigger_of,
    trigger_row,
)
from tests.conftest import World

SECRET = "s3cr3t-for-hooks"  # noqa: S105
GITHUB = "/api/v1/teams/acme/webhooks/git/github"


def github_trigger(**extra: Any) -> dict[str, Any]:
    return {
        "type": "git",
        "source": "github",
        "project": "acme-inc",
        "slug": "shop-web",
        "branch": "main",
        **extra,
    }


def github_headers(body: bytes, secret: str = SECRET, delivery: str = "d-1") -> dict[str, str]:
    return {
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": delivery,
        "X-GitHub-Hook-ID": "109948940",
        "X-Hub-Signature-256": hub_signature(secret, body),
        "User-Agent": "GitHub-Hookshot/abc123",
    }


@pytest.fixture
def github_pipeline(world: World) -> dict[str, Any]:
    pipeline = create_pipeline(world, "web deploy", [github_trigger()])
    set_secret(world, pipeline, SECRET)
    return pipeline


def test_a_signed_github_push_starts_the_pipeline_with_the_commit(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json")

    response = deliver(GITHUB, body, github_headers(body))

    assert response.status_code == 202, response.json()
    answer = response.json()
    assert answer["status"] == "started"
    [execution] = executions_of(github_pipeline)
    assert answer["executions"] == [execution.pk]
    trigger = trigger_of(execution.pk, world)
    assert trigger["type"] == "git"
    assert trigger["source"] == "github"
    assert trigger["branch"] == "main"
    assert trigger["hash"] == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
    assert trigger["eventId"] == answer["deliveryId"]
    assert "secret" not in trigger
    delivery = TriggerDelivery.objects.get(pk=answer["deliveryId"])
    assert delivery.verified
    assert "X-Hub-Signature-256" in delivery.verification
    assert "x-hub-signature-256" not in delivery.headers


def test_a_bad_github_signature_is_401_recorded_and_starts_nothing(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json")

    response = deliver(GITHUB, body, github_headers(body, secret="wrong-secret"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    delivery = TriggerDelivery.objects.get(pk=response.json()["details"]["deliveryId"])
    assert delivery.status == DeliveryStatus.REJECTED
    assert "does not match" in delivery.verification
    assert executions_of(github_pipeline) == []


def test_a_tampered_body_does_not_verify(world: World, github_pipeline: dict[str, Any]) -> None:
    body = fixture_bytes("github_push.json")
    headers = github_headers(body)

    response = deliver(GITHUB, body.replace(b"refs/heads/main", b"refs/heads/evil"), headers)

    assert response.status_code == 401
    assert executions_of(github_pipeline) == []


def test_a_replayed_delivery_id_starts_nothing_twice(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json")
    first = deliver(GITHUB, body, github_headers(body, delivery="abc"))

    again = deliver(GITHUB, body, github_headers(body, delivery="abc"))

    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["duplicateOf"] == first.json()["deliveryId"]
    assert again.json()["executions"] == first.json()["executions"]
    assert len(executions_of(github_pipeline)) == 1


def test_a_redelivery_after_a_bad_signature_still_runs(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json")
    rejected = deliver(GITHUB, body, github_headers(body, secret="old", delivery="same"))

    accepted = deliver(GITHUB, body, github_headers(body, delivery="same"))

    assert rejected.status_code == 401
    assert accepted.status_code == 202
    assert len(executions_of(github_pipeline)) == 1


def test_a_push_to_another_branch_matches_nothing_and_says_why(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json").replace(b"refs/heads/main", b"refs/heads/feature/x")

    response = deliver(GITHUB, body, github_headers(body))

    assert response.status_code == 202
    assert response.json()["status"] == "no_match"
    [outcome] = response.json()["triggers"]
    assert outcome["result"] == "not_matched"
    assert "feature/x" in outcome["reason"]
    assert executions_of(github_pipeline) == []


def test_a_branch_written_with_refs_heads_is_tolerated(world: World) -> None:
    pipeline = create_pipeline(world, "p", [github_trigger(branch="^refs/heads/main$")])
    set_secret(world, pipeline, SECRET)
    body = fixture_bytes("github_push.json")

    assert deliver(GITHUB, body, github_headers(body)).json()["status"] == "started"


def test_a_github_ping_is_verified_then_ignored(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_ping.json")
    headers = {**github_headers(body), "X-GitHub-Event": "ping"}

    response = deliver(GITHUB, body, headers)

    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert executions_of(github_pipeline) == []


def test_a_trigger_without_secret_accepts_unsigned_deliveries_only_when_the_team_allows(
    world: World,
) -> None:
    pipeline = create_pipeline(world, "p", [github_trigger()])
    body = fixture_bytes("github_push.json")
    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "u-1"}

    refused = deliver(GITHUB, body, headers)
    world.client("admin").patch(
        "/api/v1/teams/acme/trigger-settings/", {"allowUnsigned": True}, format="json"
    )
    allowed = deliver(GITHUB, body, headers)

    assert refused.status_code == 401
    assert allowed.status_code == 202
    assert allowed.json()["status"] == "started"
    assert len(executions_of(pipeline)) == 1


def test_only_admins_change_the_unsigned_setting(world: World) -> None:
    path = "/api/v1/teams/acme/trigger-settings/"
    assert world.client("member").get(path).json() == {"allowUnsigned": False}
    assert (
        world.client("member").patch(path, {"allowUnsigned": True}, format="json").status_code
        == 403
    )
    assert world.client("outsider").get(path).status_code == 404


def test_deliveries_to_another_team_never_reach_this_teams_pipelines(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("github_push.json")

    response = deliver("/api/v1/teams/other/webhooks/git/github", body, github_headers(body))

    assert response.status_code == 202
    assert response.json()["status"] == "no_match"
    assert executions_of(github_pipeline) == []


def test_unknown_teams_and_providers_are_a_bare_404(world: World) -> None:
    body = fixture_bytes("github_push.json")
    for path in (
        "/api/v1/teams/nope/webhooks/git/github",
        "/api/v1/teams/acme/webhooks/git/bitbucket",
        "/api/v1/teams/acme/webhooks/docker/quay",
    ):
        response = deliver(path, body, github_headers(body))
        assert response.status_code == 404
        assert response.json()["message"] == "Not found."


def test_gitlab_token_push_to_a_release_branch(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "orders",
        [
            {
                "type": "git",
                "source": "gitlab",
                "project": "platform/backend",
                "slug": "order-service",
                "branch": "release/.*",
            }
        ],
    )
    set_secret(world, pipeline, SECRET)
    body = fixture_bytes("gitlab_push.json")
    headers = {
        "X-Gitlab-Event": "Push Hook",
        "X-Gitlab-Token": SECRET,
        "X-Gitlab-Event-UUID": "5b7d1f1e-4f0e-4c38-8f33-6a6b2a3c7a01",
        "X-Gitlab-Instance": "https://gitlab.example.com",
    }
    path = "/api/v1/teams/acme/webhooks/git/gitlab"

    wrong = deliver(path, body, {**headers, "X-Gitlab-Token": "nope"})
    right = deliver(path, body, headers)

    assert wrong.status_code == 401
    assert right.json()["status"] == "started", right.json()
    trigger = trigger_of(right.json()["executions"][0], world)
    assert trigger["branch"] == "release/2.4"
    assert trigger["project"] == "platform/backend"


def test_gitlab_tag_pushes_match_a_tag_rule(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "orders",
        [
            {
                "type": "git",
                "source": "gitlab",
                "project": "platform/backend",
                "slug": "order-service",
                "branch": "v\\d+\\.\\d+\\.\\d+",
            }
        ],
    )
    set_secret(world, pipeline, SECRET)
    body = fixture_bytes("gitlab_tag_push.json")
    headers = {"X-Gitlab-Event": "Tag Push Hook", "X-Gitlab-Token": SECRET}

    response = deliver("/api/v1/teams/acme/webhooks/git/gitlab", body, headers)

    assert response.json()["status"] == "started", response.json()
    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["tag"] == "v2.4.0"
    assert trigger["action"] == "tag"


def test_coding_push_is_verified_with_hmac_sha1(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "coding",
        [{"type": "git", "source": "coding", "project": "shop", "slug": "shop-web", "branch": ""}],
    )
    set_secret(world, pipeline, SECRET)
    body = fixture_bytes("coding_push.json")
    headers = {
        "X-Coding-Event": "push",
        "X-Coding-Delivery": "e0b6a5b2-0d3d-4b4c-9c66-1f0e2d3c4b5a",
        "X-Coding-Signature": coding_signature(SECRET, body),
        "User-Agent": "Coding.net Hook",
    }
    path = "/api/v1/teams/acme/webhooks/git/coding"

    bad = deliver(path, body, {**headers, "X-Coding-Signature": coding_signature("x", body)})
    good = deliver(path, body, headers)

    assert bad.status_code == 401
    assert good.json()["status"] == "started", good.json()
    assert trigger_of(good.json()["executions"][0], world)["branch"] == "master"
    assert len(executions_of(pipeline)) == 1


def _gitee_headers(secret: str, timestamp_ms: int) -> dict[str, str]:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return {
        "X-Gitee-Event": "Push Hook",
        "X-Gitee-Token": base64.b64encode(digest).decode(),
        "X-Gitee-Timestamp": str(timestamp_ms),
        "User-Agent": "git-oschina-hook",
    }


def test_gitee_signed_timestamp_must_be_within_the_hour(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "gitee",
        [
            {
                "type": "git",
                "source": "gitee",
                "project": "acme-inc",
                "slug": "shop-web",
                "branch": "develop",
            }
        ],
    )
    set_secret(world, pipeline, SECRET)
    body = fixture_bytes("gitee_push.json")
    path = "/api/v1/teams/acme/webhooks/git/gitee"
    now_ms = int(time.time() * 1000)

    stale = deliver(path, body, _gitee_headers(SECRET, now_ms - 2 * 3600 * 1000))
    wrong = deliver(path, body, _gitee_headers("other", now_ms))
    fresh = deliver(path, body, _gitee_headers(SECRET, now_ms))
    replay = deliver(path, body, _gitee_headers(SECRET, now_ms))

    assert stale.status_code == 401
    assert wrong.status_code == 401
    assert fresh.json()["status"] == "started", fresh.json()
    assert replay.json()["status"] == "duplicate"
    assert len(executions_of(pipeline)) == 1
    rejected = TriggerDelivery.objects.filter(status=DeliveryStatus.REJECTED)
    assert any("hour" in each.verification for each in rejected)


def test_a_deleted_branch_never_fires(world: World, github_pipeline: dict[str, Any]) -> None:
    body = (
        fixture_bytes("github_push.json")
        .replace(b'"deleted": false', b'"deleted": true')
        .replace(b"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", b"0" * 40)
    )

    response = deliver(GITHUB, body, github_headers(body))

    assert response.json()["status"] == "no_match"
    assert "deleted" in response.json()["triggers"][0]["reason"]


def test_form_encoded_github_payloads_are_read(
    world: World, github_pipeline: dict[str, Any]
) -> None:
    from urllib.parse import urlencode

    body = urlencode({"payload": fixture_bytes("github_push.json").decode()}).encode()

    response = deliver(
        GITHUB, body, github_headers(body), content_type="application/x-www-form-urlencoded"
    )

    assert response.json()["status"] == "started"


def test_an_incomplete_trigger_is_saved_with_a_warning_and_never_fires(world: World) -> None:
    # Deck saves a half-filled trigger and Front50 stores it; the pipeline still runs by hand.
    pipeline = create_pipeline(world, "half set up", [github_trigger(slug="")])
    warnings = {(w["pointer"], w["code"]) for w in pipeline["cdplatform"]["warnings"]}
    assert ("/triggers/0/slug", "incomplete_trigger") in warnings
    assert pipeline["cdplatform"]["runnable"] is True
    assert trigger_row(pipeline).enabled is False
    body = fixture_bytes("github_push.json")

    response = deliver(GITHUB, body, github_headers(body))

    assert response.json()["status"] == "no_match", response.json()
    assert executions_of(pipeline) == []
