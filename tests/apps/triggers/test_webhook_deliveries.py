"""Generic webhooks: a trigger's own URL and a team's source URL, payload constraints (JSONPath
too), parameters and artifacts into the run, secrets, and the safety rules (404 with no hint,
413, 429, disabled and locked pipelines, replays without a delivery id)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from apps.core.conf import platform_settings
from apps.triggers.models import DeliveryStatus, TriggerDelivery
from tests.apps.triggers.conftest import (
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

SOURCE = "/api/v1/teams/acme/webhooks/webhook/ci"


def url_of(pipeline: dict[str, Any]) -> str:
    return f"/api/v1/webhooks/{trigger_row(pipeline).token}"


@pytest.fixture
def hook(world: World) -> dict[str, Any]:
    return create_pipeline(
        world,
        "hooked",
        [{"type": "webhook", "source": "ci"}],
        parameterConfig=[{"name": "tag", "required": True}, {"name": "env", "default": "dev"}],
    )


def test_the_trigger_url_starts_the_run_with_the_payloads_parameters_and_artifacts(
    world: World, hook: dict[str, Any]
) -> None:
    body = fixture_bytes("generic_webhook.json")

    response = deliver(url_of(hook), body)

    assert response.status_code == 202, response.json()
    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["type"] == "webhook"
    assert trigger["parameters"] == {"tag": "2.4.1", "env": "staging"}
    assert trigger["artifacts"][0]["reference"] == "registry.local:5000/shop/web:2.4.1"
    assert trigger["payload"]["build"]["number"] == 128
    assert trigger["payload"]["secret"] == "****"


def test_the_trigger_url_is_not_the_configs_trigger_id(world: World, hook: dict[str, Any]) -> None:
    body = fixture_bytes("generic_webhook.json")

    by_config_id = deliver(f"/api/v1/webhooks/{hook['triggers'][0]['id']}", body)

    assert by_config_id.status_code == 404
    assert executions_of(hook) == []


def test_unknown_and_deleted_trigger_urls_are_the_same_404(
    world: World, hook: dict[str, Any]
) -> None:
    body = fixture_bytes("generic_webhook.json")
    url = url_of(hook)
    unknown = deliver("/api/v1/webhooks/9b2f5c1e-3d4a-4b6c-8e7f-0a1b2c3d4e5f", body)
    assert world.client("owner").delete(f"/api/v1/pipelines/{hook['id']}/").status_code in (
        200,
        204,
    )

    deleted = deliver(url, body)

    assert unknown.status_code == deleted.status_code == 404
    assert unknown.json() == deleted.json()


def test_a_trigger_secret_makes_its_url_require_the_hmac(
    world: World, hook: dict[str, Any]
) -> None:
    set_secret(world, hook, "hook-secret")
    body = fixture_bytes("generic_webhook.json")

    unsigned = deliver(url_of(hook), body)
    signed = deliver(url_of(hook), body, {"X-Signature-256": hub_signature("hook-secret", body)})

    assert unsigned.status_code == 401
    assert signed.status_code == 202
    assert len(executions_of(hook)) == 1


def test_the_source_url_needs_a_secret_or_a_constraint_secret(
    world: World, hook: dict[str, Any]
) -> None:
    guarded = create_pipeline(
        world,
        "guarded",
        [
            {
                "type": "webhook",
                "source": "ci",
                "payloadConstraints": {"secret": "faiM4&KqJTTuEy8J", "$.build.result": "SUCCESS"},
            }
        ],
    )
    body = fixture_bytes("generic_webhook.json")

    response = deliver(SOURCE, body)

    assert response.status_code == 202, response.json()
    results = {t["pipeline"]: t["result"] for t in response.json()["triggers"]}
    # `hook` has neither a secret nor a constraint secret: not verified, not listed.
    assert results == {"guarded": "started"}
    assert len(executions_of(guarded)) == 1
    assert executions_of(hook) == []
    wrong = deliver(SOURCE, body.replace(b"faiM4", b"xxxxx"))
    assert wrong.status_code == 401


def test_constraints_are_regexes_and_jsonpaths(world: World) -> None:
    pipeline = create_pipeline(
        world,
        "constrained",
        [
            {
                "type": "webhook",
                "source": "ci",
                "payloadConstraints": {
                    "secret": "faiM4&KqJTTuEy8J",
                    "build.branch": "main|release/.*",
                    "$.artifacts[*].version": "2\\.4\\..*",
                },
            }
        ],
    )
    body = json.loads(fixture_bytes("generic_webhook.json"))
    body["build"]["branch"] = "feature/x"

    miss = deliver(SOURCE, json.dumps(body).encode())
    body["build"]["branch"] = "release/2.4"
    hit = deliver(SOURCE, json.dumps(body).encode())

    assert miss.json()["status"] == "no_match"
    assert "build.branch" in miss.json()["triggers"][0]["reason"]
    assert hit.json()["status"] == "started"
    assert len(executions_of(pipeline)) == 1


def test_required_parameters_missing_from_the_payload_are_a_recorded_refusal(
    world: World, hook: dict[str, Any]
) -> None:
    response = deliver(url_of(hook), b'{"parameters": {"env": "prod"}}')

    assert response.json()["status"] == "not_started"
    [outcome] = response.json()["triggers"]
    assert outcome["result"] == "refused"
    assert "tag" in outcome["reason"]


def test_a_disabled_pipeline_never_starts_and_the_delivery_says_so(
    world: World, hook: dict[str, Any]
) -> None:
    owner = world.client("owner")
    assert (
        owner.post(
            f"/api/v1/pipelines/{hook['id']}/disable", {"scope": "team"}, format="json"
        ).status_code
        == 200
    )

    response = deliver(url_of(hook), fixture_bytes("generic_webhook.json"))

    assert response.status_code == 202
    assert response.json()["status"] == "not_started"
    assert response.json()["triggers"][0]["result"] == "disabled"
    assert "disabled" in response.json()["triggers"][0]["reason"]
    assert executions_of(hook) == []


def test_a_locked_pipeline_still_triggers(world: World, hook: dict[str, Any]) -> None:
    owner = world.client("owner")
    assert owner.post(f"/api/v1/pipelines/{hook['id']}/lock", {}, format="json").status_code == 200

    response = deliver(url_of(hook), fixture_bytes("generic_webhook.json"))

    assert response.json()["status"] == "started"


def test_a_disabled_trigger_does_not_listen(world: World) -> None:
    pipeline = create_pipeline(
        world, "off", [{"type": "webhook", "source": "ci", "enabled": False}]
    )

    assert deliver(url_of(pipeline), b"{}").status_code == 404


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_bodies_are_413(world: World, hook: dict[str, Any]) -> None:
    body = json.dumps({"parameters": {"tag": "x" * 4096}}).encode()

    response = deliver(url_of(hook), body)

    assert response.status_code == 413
    assert executions_of(hook) == []


def test_each_url_is_rate_limited(world: World, hook: dict[str, Any]) -> None:
    platform_settings.set_runtime(WEBHOOK_RATE_LIMIT_PER_MINUTE=2)
    try:
        codes = [
            deliver(url_of(hook), b'{"parameters": {"tag": "1"}}').status_code for _ in range(3)
        ]
        other = deliver(SOURCE, b"{}")
    finally:
        platform_settings.set_runtime(WEBHOOK_RATE_LIMIT_PER_MINUTE=120)

    assert codes[:2] == [202, 200]  # the second is a replay of the first
    assert codes[2] == 429
    assert other.status_code != 429


def test_an_identical_body_without_delivery_id_is_a_replay_but_an_id_makes_it_new(
    world: World, hook: dict[str, Any]
) -> None:
    body = b'{"parameters": {"tag": "1"}}'

    first = deliver(url_of(hook), body)
    replay = deliver(url_of(hook), body)
    fresh = deliver(url_of(hook), body, {"X-Delivery-Id": "build-129"})

    assert first.json()["status"] == "started"
    assert replay.json()["status"] == "duplicate"
    assert fresh.json()["status"] == "started"
    assert len(executions_of(hook)) == 2
    assert TriggerDelivery.objects.filter(status=DeliveryStatus.DUPLICATE).count() == 1


def test_malformed_json_is_400_and_recorded(world: World, hook: dict[str, Any]) -> None:
    response = deliver(url_of(hook), b"{not json")

    assert response.status_code == 400
    delivery = TriggerDelivery.objects.get(pk=response.json()["details"]["deliveryId"])
    assert delivery.status == DeliveryStatus.INVALID


# ---------------------------------------------------------------- expected artifacts

IMAGE = {
    "id": "image",
    "displayName": "web image",
    "matchArtifact": {"type": "docker/image", "name": "registry.local:5000/shop/web"},
    "useDefaultArtifact": False,
    "usePriorArtifact": False,
}
DEFAULT = {
    "type": "docker/image",
    "name": "registry.local:5000/shop/web",
    "reference": "registry.local:5000/shop/web:1.0.0",
    "version": "1.0.0",
}


def _artifact_pipeline(world: World, **expected: Any) -> dict[str, Any]:
    return create_pipeline(
        world,
        "bound",
        [{"type": "webhook", "source": "ci", "expectedArtifactIds": ["image"]}],
        expectedArtifacts=[{**IMAGE, **expected}],
    )


def _payload(*artifacts: dict[str, Any]) -> bytes:
    return json.dumps({"artifacts": list(artifacts)}).encode()


def test_an_expected_artifact_binds_from_the_payload(world: World) -> None:
    pipeline = _artifact_pipeline(world)
    pushed = {**DEFAULT, "reference": "registry.local:5000/shop/web:2.0.0", "version": "2.0.0"}

    response = deliver(url_of(pipeline), _payload(pushed))

    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["resolvedExpectedArtifacts"][0]["boundArtifact"] == pushed
    assert pushed in trigger["artifacts"]


def test_nothing_bound_means_not_started_with_the_reason(world: World) -> None:
    pipeline = _artifact_pipeline(world)
    other = {"type": "docker/image", "name": "registry.local:5000/other", "reference": "x:1"}

    response = deliver(url_of(pipeline), _payload(other))

    assert response.json()["status"] == "not_started"
    [outcome] = response.json()["triggers"]
    assert outcome["result"] == "artifacts"
    assert "web image" in outcome["reason"]
    assert executions_of(pipeline) == []


def test_the_default_artifact_is_the_last_fallback(world: World) -> None:
    pipeline = _artifact_pipeline(world, useDefaultArtifact=True, defaultArtifact=DEFAULT)

    response = deliver(url_of(pipeline), _payload())

    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["resolvedExpectedArtifacts"][0]["boundArtifact"] == DEFAULT


def test_the_prior_runs_artifact_wins_over_the_default(world: World) -> None:
    pipeline = _artifact_pipeline(
        world, usePriorArtifact=True, useDefaultArtifact=True, defaultArtifact=DEFAULT
    )
    pushed = {**DEFAULT, "reference": "registry.local:5000/shop/web:3.0.0", "version": "3.0.0"}
    deliver(url_of(pipeline), _payload(pushed), {"X-Delivery-Id": "1"})

    response = deliver(url_of(pipeline), _payload(), {"X-Delivery-Id": "2"})

    trigger = trigger_of(response.json()["executions"][0], world)
    assert trigger["resolvedExpectedArtifacts"][0]["boundArtifact"] == pushed
