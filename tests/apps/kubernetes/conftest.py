"""Whole pipelines on the in-memory engine against a sandbox cluster on one simulated clock."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client

from apps.cloudaccounts.connections import KubernetesConnection
from apps.kubernetes.stages import register
from engine.expression_adapter import PipelineExpressions
from engine.launcher import build_execution
from engine.memory import FixedClock, InMemoryEngine
from engine.model import Execution, Stage
from engine.stages.builtin import builtin_registry
from sandbox.kubernetes import ManualClock, SandboxCluster

ACCOUNT = "sandbox"
_pipeline_ids = itertools.count(1)


class LinkedClock(FixedClock):
    """The engine's clock; moving it moves the sandbox's simulated time by the same amount."""

    def __init__(self, cluster: SandboxCluster) -> None:
        super().__init__()
        self.cluster = cluster

    def set(self, now_ms: int) -> None:
        delta = now_ms - self.now_ms()
        super().set(now_ms)
        if delta > 0:
            self.cluster.advance(delta / 1000)

    def advance(self, ms: int) -> None:
        self.set(self.now_ms() + ms)


class Harness:
    """Runs Spinnaker pipeline JSON through the engine; time moves only when the queue waits."""

    def __init__(self, cluster: SandboxCluster) -> None:
        self.cluster = cluster
        self.clock = LinkedClock(cluster)
        expressions = PipelineExpressions(clock=self.clock)
        registry = builtin_registry(clock=self.clock, expressions=expressions)
        register(registry, connections=self.connection, clock=self.clock, expressions=expressions)
        self.engine = InMemoryEngine(
            clock=self.clock, registry=registry, expressions=expressions, snapshot=True
        )
        configuration = client.Configuration()
        configuration.host = cluster.url
        self.api = client.ApiClient(configuration)
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.networking = client.NetworkingV1Api(self.api)
        self.batch = client.BatchV1Api(self.api)

    def connection(self, execution: Execution, account: str) -> KubernetesConnection:
        if account != ACCOUNT:
            raise LookupError(f"no Kubernetes account named {account!r}")
        return KubernetesConnection(server=self.cluster.url)

    def start(
        self,
        stages: list[dict[str, Any]],
        *,
        trigger: dict[str, Any] | None = None,
        application: str = "shop",
        **config: Any,
    ) -> str:
        pipeline = {"id": f"p{next(_pipeline_ids)}", "name": "test", "stages": stages, **config}
        execution = build_execution(
            pipeline,
            trigger=trigger or {"type": "manual"},
            application=application,
            user="tester",
            time_zone="UTC",
            clock=self.clock,
            team="acme",
        )
        self.engine.start(execution)
        return execution.id

    def run(self, execution_id: str, *, seconds: float = 3600) -> Execution:
        """Deliver messages until idle or until `seconds` of simulated time passed."""
        self.engine.run(until_ms=self.clock.now_ms() + int(seconds * 1000))
        return self.engine.execution(execution_id)

    def run_pipeline(self, stages: list[dict[str, Any]], **kwargs: Any) -> Execution:
        seconds = kwargs.pop("seconds", 3600)
        return self.run(self.start(stages, **kwargs), seconds=seconds)

    def settle(self, seconds: float = 30) -> None:
        self.clock.advance(int(seconds * 1000))


def stage_named(execution: Execution, name: str) -> Stage:
    found = [stage for stage in execution.stages if stage.name == name]
    assert found, f"no stage {name!r} in {[s.name for s in execution.stages]}"
    return found[0]


def deployment(
    name: str,
    *,
    image: str = "nginx:1.25",
    replicas: int = 2,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    pod_labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "annotations": dict(annotations or {})},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(pod_labels)},
            "template": {
                "metadata": {"labels": dict(pod_labels)},
                "spec": {"containers": [{"name": "main", "image": image}]},
            },
            **spec,
        },
    }


def replica_set(
    name: str, *, image: str = "nginx:1.25", replicas: int = 2, **annotations: str
) -> dict[str, Any]:
    manifest = deployment(name, image=image, replicas=replicas, annotations=annotations)
    manifest["kind"] = "ReplicaSet"
    return manifest


def service(name: str, selector: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 80}]},
    }


def deploy_stage(manifests: list[dict[str, Any]], ref: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "type": "deployManifest",
        "name": extra.pop("name", f"Deploy {ref}"),
        "account": ACCOUNT,
        "cloudProvider": "kubernetes",
        "source": "text",
        "manifests": manifests,
        "moniker": {"app": "shop"},
        **extra,
    }


@pytest.fixture
def sim() -> Iterator[SandboxCluster]:
    with SandboxCluster(
        clock=ManualClock(), auto_tick=False, pod_ready_seconds=2, image_pull_backoff_seconds=5
    ) as running:
        yield running
        assert not running.errors, running.errors


@pytest.fixture
def harness(sim: SandboxCluster) -> Iterator[Harness]:
    made = Harness(sim)
    yield made
    made.api.close()


def describe(execution: Execution) -> str:
    """Stage statuses and errors, for assertion messages."""
    lines = []
    for stage in execution.stages:
        error = (stage.context.get("exception") or {}).get("details", {}).get("errors")
        lines.append(f"{stage.name} [{stage.type}] {stage.status.value} {error or ''}")
    return "\n".join(lines)
