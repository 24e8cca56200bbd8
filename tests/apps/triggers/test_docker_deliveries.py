"""Image pushes from a Docker registry (v2 notifications), TCR / Harbor and CODING's artifact
repository: which tags fire, how the sender is verified, the docker/image artifact."""

from __future__ import annotations

from typing import Any

import pytest

from tests.apps.triggers.conftest import (
    coding_signature,
    create_pipeline,
    deliver,
    executions_of,
    fixture_bytes,
    hub_signature,
    set_secret,
    trigger_of,
)
from tests.conftest import World

TOKEN = "registry-notify-token"  # noqa: S105
REGISTRY = "/api/v1/teams/acme/webhooks/docker/registry"
TCR = "/api/v1/teams/acme/webhooks/docker/tcr"
CODING = "/api/v1/teams/acme/webhooks/docker/coding"
ENVELOPE = "application/vnd.docker.distribution.events.v1+json"


def docker_trigger(**extra: Any) -> dict[str, Any]:
    return {"type": "docker", "account": "local", "repository": "shop/web", **extra}


@pytest.fixture
def registry_pipeline(world: World) -> dict[str, Any]:
    pipeline = create_pipeline(
        world, "web", [docker_trigger(registry="registry.local:5000", tag="\\d+\\.\\d+\\.\\d+")]
    )
    set_secret(world, pipeline, TOKEN)
    return pipeline


def test_a_registry_manifest_push_starts_with_the_pushed_image(
    world: World, registry_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("registry_push.json")

    response = deliver(REGISTRY, body, {"Authorization": f"Bearer {TOKEN}"}, content_type=ENVELOPE)

    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "started"
    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["tag"] == "2.4.1"
    assert trigger["repository"] == "shop/web"
    assert trigger["registry"] == "registry.local:5000"
    assert trigger["artifacts"] == [
        {
            "type": "docker/image",
            "name": "registry.local:5000/shop/web",
            "version": "2.4.1",
            "reference": "registry.local:5000/shop/web:2.4.1",
            "metadata": {
                "digest": "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf"
            },
        }
    ]


def test_the_registry_token_header_is_checked(
    world: World, registry_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("registry_push.json")

    missing = deliver(REGISTRY, body, {}, content_type=ENVELOPE)
    wrong = deliver(REGISTRY, body, {"Authorization": "Bearer nope"}, content_type=ENVELOPE)
    signed = deliver(
        REGISTRY, body, {"X-Signature-256": hub_signature(TOKEN, body)}, content_type=ENVELOPE
    )

    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert signed.status_code == 202
    assert len(executions_of(registry_pipeline)) == 1


def test_pulls_and_layer_pushes_are_ignored(
    world: World, registry_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("registry_pull.json")

    response = deliver(REGISTRY, body, {"Authorization": f"Bearer {TOKEN}"}, content_type=ENVELOPE)

    assert response.json()["status"] == "ignored"
    assert "layer pushes" in response.json()["reason"]
    assert executions_of(registry_pipeline) == []


def test_a_tag_outside_the_rule_does_not_fire(
    world: World, registry_pipeline: dict[str, Any]
) -> None:
    body = fixture_bytes("registry_push.json").replace(b'"tag": "2.4.1"', b'"tag": "nightly"')

    response = deliver(REGISTRY, body, {"Authorization": f"Bearer {TOKEN}"}, content_type=ENVELOPE)

    assert response.json()["status"] == "no_match"
    assert "nightly" in response.json()["triggers"][0]["reason"]


def test_tcr_push_image_with_a_custom_header_token(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "nginx",
        [
            docker_trigger(
                registry="acme-bj.tencentcloudcr.com", repository="nginx", organization="public"
            )
        ],
    )
    set_secret(world, pipeline, TOKEN)
    body = fixture_bytes("tcr_push_image.json")

    response = deliver(TCR, body, {"X-Webhook-Token": TOKEN})

    assert response.json()["status"] == "started", response.json()
    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["artifacts"][0]["reference"] == "acme-bj.tencentcloudcr.com/public/nginx:v1.10.0"


def test_without_a_tag_rule_latest_never_fires(world: World) -> None:
    pipeline = create_pipeline(
        world, "nginx", [docker_trigger(repository="harbor.example.com/library/nginx")]
    )
    set_secret(world, pipeline, TOKEN)
    latest = fixture_bytes("harbor_push_artifact.json")
    versioned = latest.replace(b'"tag": "latest"', b'"tag": "1.27.0"').replace(
        b"nginx:latest", b"nginx:1.27.0"
    )

    first = deliver(TCR, latest, {"X-Webhook-Token": TOKEN})
    second = deliver(TCR, versioned, {"X-Webhook-Token": TOKEN})

    assert first.json()["status"] == "no_match"
    assert "latest" in first.json()["triggers"][0]["reason"]
    assert second.json()["status"] == "started"
    assert len(executions_of(pipeline)) == 1


def test_coding_artifact_version_created(world: World) -> None:
    pipeline = create_pipeline(
        world, "coding", [docker_trigger(repository="shop/images/shop-web", tag="2\\..*")]
    )
    set_secret(world, pipeline, TOKEN)
    body = fixture_bytes("coding_artifact_version_created.json")
    headers = {
        "X-Coding-Service-Hook-Event": "ARTIFACTS_VERSION_CREATED",
        "X-Coding-Delivery": "c1d2e3f4-0000-4000-8000-000000000001",
        "X-Coding-Signature": coding_signature(TOKEN, body),
    }

    response = deliver(CODING, body, headers)

    assert response.json()["status"] == "started", response.json()
    artifact = trigger_of(response.json()["executions"][0], world)["artifacts"][0]
    assert artifact["reference"] == "acme-docker.pkg.coding.net/shop/images/shop-web:2.4.1"


def test_a_body_that_is_not_an_envelope_is_400_and_recorded(
    world: World, registry_pipeline: dict[str, Any]
) -> None:
    response = deliver(REGISTRY, b'{"hello": "world"}', {"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 400
    assert response.json()["details"]["deliveryId"]
