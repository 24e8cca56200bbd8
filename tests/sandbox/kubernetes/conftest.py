"""Fixtures: sandbox clusters on ephemeral loopback ports and official clients pointed at them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config

from sandbox.kubernetes import ManualClock, SandboxCluster


@pytest.fixture
def cluster() -> Iterator[SandboxCluster]:
    """Real-time cluster with tiny delays, controllers ticking in the background."""
    with SandboxCluster(pod_ready_seconds=0.05, tick_interval=0.01) as running:
        yield running
        assert not running.errors, running.errors


@pytest.fixture
def sim() -> Iterator[SandboxCluster]:
    """Manual-clock cluster: nothing happens until the test calls tick() or advance()."""
    with SandboxCluster(
        clock=ManualClock(), pod_ready_seconds=2, auto_tick=False, image_pull_backoff_seconds=5
    ) as running:
        yield running
        assert not running.errors, running.errors


def api_client_for(target: SandboxCluster, tmp_path: Path, **kwargs: Any) -> client.ApiClient:
    path = tmp_path / f"kubeconfig-{target.port}"
    path.write_text(target.kubeconfig(**kwargs))
    return config.new_client_from_config(config_file=str(path))


@pytest.fixture
def api(cluster: SandboxCluster, tmp_path: Path) -> Iterator[client.ApiClient]:
    with api_client_for(cluster, tmp_path) as api_client:
        yield api_client


@pytest.fixture
def sim_api(sim: SandboxCluster, tmp_path: Path) -> Iterator[client.ApiClient]:
    with api_client_for(sim, tmp_path) as api_client:
        yield api_client


def wait_for(predicate: Callable[[], Any], *, timeout: float = 10.0, interval: float = 0.02) -> Any:
    """Poll until predicate() is truthy (bounded); return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def deployment_manifest(
    name: str, *, image: str = "nginx:1.25", replicas: int = 2, **spec: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {"name": "main", "image": image, "ports": [{"containerPort": 80}]}
                    ]
                },
            },
            **spec,
        },
    }
