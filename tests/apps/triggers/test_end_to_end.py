"""End to end: a registry push notification starts a Kubernetes pipeline that deploys the pushed
tag (bound through the trigger's expected artifact) on the sandbox cluster, and the team's
WeCom robot (a local server) receives the starting and complete messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client

from apps.core.conf import platform_settings
from apps.executions import registry, runtime
from apps.executions.models import EngineMessage
from apps.notifications.services import notifications_run_once
from sandbox.kubernetes import ManualClock, SandboxCluster
from tests.apps.notifications.receiver import RobotServer
from tests.apps.triggers.conftest import APP, deliver, fixture_bytes
from tests.conftest import World

TOKEN = "registry-notify-token"  # noqa: S105


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxCluster]:
    """The sandbox cluster of `make run`, on a clock the engine shares."""
    with SandboxCluster(clock=ManualClock(), auto_tick=False, pod_ready_seconds=2) as running:
        platform_settings.set_runtime(SANDBOX_KUBERNETES_URL=running.url)
        monkeypatch.setattr(registry.CLOCK, "now_ms", lambda: int(running.clock.now() * 1000))
        yield running
        platform_settings.set_runtime(SANDBOX_KUBERNETES_URL="")


@pytest.fixture
def robots() -> Iterator[RobotServer]:
    with RobotServer() as server:
        yield server


def _run_to_the_end(cluster: SandboxCluster, capture: Any, *, rounds: int = 500) -> None:
    """Deliver due messages (and their events); when none is due, move both clocks on."""
    for _ in range(rounds):
        with capture(execute=True):
            runtime.drain_all()
        upcoming = EngineMessage.objects.order_by("due_at").values_list("due_at", flat=True).first()
        if upcoming is None:
            return
        cluster.advance(max(0.001, (upcoming - registry.CLOCK.now_ms()) / 1000))
    raise AssertionError("the run did not finish")


def _pipeline(world: World) -> dict[str, Any]:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "registry.local:5000/shop/web"}]},
            },
        },
    }
    body = {
        "name": "deploy web",
        "expectedArtifacts": [
            {
                "id": "web-image",
                "displayName": "web image",
                "matchArtifact": {"type": "docker/image", "name": "registry.local:5000/shop/web"},
            }
        ],
        "triggers": [
            {
                "type": "docker",
                "account": "local-registry",
                "registry": "registry.local:5000",
                "repository": "shop/web",
                "tag": "\\d+\\.\\d+\\.\\d+",
                "expectedArtifactIds": ["web-image"],
            }
        ],
        "notifications": [
            {
                "type": "wecom",
                "address": "channel://ops",
                "level": "pipeline",
                "when": ["pipeline.starting", "pipeline.complete", "pipeline.failed"],
            }
        ],
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "deployManifest",
                "name": "Deploy web",
                "account": "k8s",
                "cloudProvider": "kubernetes",
                "source": "text",
                "manifests": [deployment],
                "moniker": {"app": "shop"},
                "requiredArtifactIds": ["web-image"],
            }
        ],
    }
    response = world.client("owner").post(APP, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_registry_push_deploys_the_pushed_tag_and_notifies_the_robot(
    world: World,
    cluster: SandboxCluster,
    robots: RobotServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = world.client("admin")
    channel = {"name": "ops", "type": "wecom", "url": f"{robots.url}/wecom/ops?key=room-1"}
    assert (
        admin.post("/api/v1/teams/acme/notification-channels/", channel, format="json").status_code
        == 201
    )
    pipeline = _pipeline(world)
    trigger_id = pipeline["triggers"][0]["id"]
    secret_path = f"/api/v1/pipelines/{pipeline['id']}/triggers/{trigger_id}/secret"
    assert admin.put(secret_path, {"secret": TOKEN}, format="json").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            "/api/v1/teams/acme/webhooks/docker/registry",
            fixture_bytes("registry_push.json"),
            {"Authorization": f"Bearer {TOKEN}"},
            content_type="application/vnd.docker.distribution.events.v1+json",
        )
    assert response.status_code == 202, response.json()
    [execution_id] = response.json()["executions"]
    _run_to_the_end(cluster, django_capture_on_commit_callbacks)
    notifications_run_once()

    run = admin.get(f"/api/v1/executions/{execution_id}/").json()
    assert run["status"] == "SUCCEEDED", [
        (s["name"], s["status"], s["context"].get("exception")) for s in run["stages"]
    ]
    bound = run["trigger"]["resolvedExpectedArtifacts"][0]["boundArtifact"]
    assert bound["reference"] == "registry.local:5000/shop/web:2.4.1"
    configuration = client.Configuration()
    configuration.host = cluster.url
    with client.ApiClient(configuration) as api:
        live = client.AppsV1Api(api).read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "registry.local:5000/shop/web:2.4.1"
    assert live.status.ready_replicas == 2
    contents = [r.json["markdown"]["content"] for r in robots.robots.at("/wecom/ops")]
    assert [("is starting" in c, "succeeded" in c) for c in contents] == [
        (True, False),
        (False, True),
    ]
    assert all("Trigger: docker" in c for c in contents)
    assert all(r.query == {"key": "room-1"} for r in robots.robots.at("/wecom/ops"))
