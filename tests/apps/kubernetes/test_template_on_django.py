"""The Kubernetes reference template end to end on the platform: created through the pipelines
API, run by the Django-backed engine against a sandbox cluster (the `sandbox` account of
`make run`): deploy v1, judge, red/black to v2, promote (old version scaled to zero), and a
broken image leaves the current version serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client

from apps.cloudaccounts.services import cloud_account_create
from apps.core.conf import platform_settings
from apps.executions import registry, runtime
from apps.executions.models import EngineMessage, StageExecution
from sandbox.kubernetes import ManualClock, SandboxCluster
from tests.conftest import World


class SharedClock:
    """Engine time and the cluster's simulated time move together."""

    def __init__(self, cluster: SandboxCluster, start_ms: int) -> None:
        self.cluster = cluster
        self.now = start_ms

    def now_ms(self) -> int:
        return self.now

    def set(self, now_ms: int) -> None:
        if now_ms > self.now:
            self.cluster.advance((now_ms - self.now) / 1000)
            self.now = now_ms


@pytest.fixture
def cluster(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, SharedClock]]:
    with SandboxCluster(clock=ManualClock(), auto_tick=False, pod_ready_seconds=2) as running:
        platform_settings.set_runtime(
            SANDBOX_KUBERNETES_URL=running.url, SANDBOX_KUBERNETES_TOKEN=""
        )
        cloud_account_create(
            team=world.team, name="sandbox-k8s", provider="kubernetes", kind="sandbox"
        )
        clock = SharedClock(running, registry.CLOCK.now_ms())
        monkeypatch.setattr(registry.CLOCK, "now_ms", clock.now_ms)
        configuration = client.Configuration()
        configuration.host = running.url
        yield client.ApiClient(configuration), clock
        platform_settings.clear_runtime("SANDBOX_KUBERNETES_URL", "SANDBOX_KUBERNETES_TOKEN")


def settle(clock: SharedClock, *, until: Any = None, max_rounds: int = 3_000) -> None:
    """Deliver due messages; when none is due, jump to the next (the cluster follows)."""
    for _ in range(max_rounds):
        runtime.drain_all()
        if until is not None and until():
            return
        upcoming = EngineMessage.objects.order_by("due_at").values_list("due_at", flat=True).first()
        if upcoming is None:
            return
        clock.set(max(upcoming, clock.now_ms()))
    raise AssertionError("the run did not settle")


def judgment_waiting(execution_id: str) -> Any:
    return StageExecution.objects.filter(
        execution_id=execution_id, type="manualJudgment", status="RUNNING"
    ).first()


def run(
    world: World, clock: SharedClock, pipeline_id: str, image: str, decision: str | None
) -> dict[str, Any]:
    owner = world.client("owner")
    started = owner.post(
        f"/api/v1/pipelines/{pipeline_id}/executions/",
        {"parameters": {"image": image}},
        format="json",
    )
    assert started.status_code == 202, started.content
    execution_id = started.json()["id"]
    settle(clock, until=lambda: judgment_waiting(execution_id))
    if decision is not None and judgment_waiting(execution_id):
        judgment = judgment_waiting(execution_id)
        assert (
            owner.post(
                f"/api/v1/executions/{execution_id}/stages/{judgment.pk}/judgment",
                {"judgmentStatus": "continue", "judgmentInput": decision},
                format="json",
            ).status_code
            == 202
        )
        settle(clock)
    return owner.get(f"/api/v1/executions/{execution_id}/").json()


def serving(api: Any) -> dict[str, tuple[int, str]]:
    """ReplicaSet -> (replicas, image) of the versions behind the Service right now."""
    apps = client.AppsV1Api(api)
    selector = client.CoreV1Api(api).read_namespaced_service("shop", "default").spec.selector
    found = {}
    for rs in apps.list_namespaced_replica_set("default").items:
        labels = rs.spec.template.metadata.labels or {}
        if all(labels.get(k) == v for k, v in selector.items()):
            found[rs.metadata.name] = (rs.spec.replicas, rs.spec.template.spec.containers[0].image)
    return found


def ready_images(api: Any) -> set[str]:
    """Images of the pods the Service actually sends traffic to (its ready endpoints)."""
    core = client.CoreV1Api(api)
    endpoints = core.read_namespaced_endpoints("shop", "default")
    images = set()
    for subset in endpoints.subsets or []:
        for address in subset.addresses or []:
            pod = core.read_namespaced_pod(address.target_ref.name, "default")
            images.add(pod.spec.containers[0].image)
    return images


def test_kubernetes_template_releases_promotes_and_survives_a_broken_image(
    world: World, cluster: tuple[Any, SharedClock]
) -> None:
    api, clock = cluster
    created = world.client("admin").post(
        "/api/v1/teams/acme/applications/shop/pipelines/",
        {"name": "release", "template": "kubernetes"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pipeline_id = created.json()["id"]
    assert created.json()["cdplatform"]["runnable"] is True

    first = run(world, clock, pipeline_id, "nginx:1.26", "promote")
    assert first["status"] == "SUCCEEDED"
    assert list(serving(api).values()) == [(2, "nginx:1.26")]
    assert ready_images(api) == {"nginx:1.26"}

    second = run(world, clock, pipeline_id, "nginx:1.27", "promote")
    assert second["status"] == "SUCCEEDED"
    live = serving(api)
    assert list(live.values()) == [(2, "nginx:1.27")]
    replica_sets = {
        rs.metadata.name: rs.spec.replicas
        for rs in client.AppsV1Api(api).list_namespaced_replica_set("default").items
    }
    assert sorted(replica_sets.values()) == [0, 2]  # the old version scaled to zero

    broken = run(world, clock, pipeline_id, "nginx:broken", None)
    assert broken["status"] == "TERMINAL"
    deploy = next(s for s in broken["stages"] if s["name"] == "Deploy red/black")
    assert deploy["status"] == "TERMINAL"
    # The broken version never became ready: the Service still sends traffic to 1.27 only.
    assert ready_images(api) == {"nginx:1.27"}
