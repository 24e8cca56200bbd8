"""Traffic strategies over Services: red/black (blue/green) and highlander, for ReplicaSets and
versioned Deployments; failure, rollback on failure, abort and manual rollback."""

from __future__ import annotations

from typing import Any

import pytest

from engine.status import Status
from tests.apps.kubernetes.conftest import (
    Harness,
    deploy_stage,
    deployment,
    describe,
    replica_set,
    service,
    stage_named,
)

TRAFFIC_LABEL = {"frontend": "true"}


def traffic(strategy: str, **options: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "options": {
            "enableTraffic": True,
            "services": ["service web"],
            "strategy": strategy,
            **options,
        },
    }


def endpoints(harness: Harness) -> set[str]:
    """Owner names (ReplicaSets) of the pods the Service currently routes to."""
    found = harness.core.read_namespaced_endpoints("web", "default")
    pods = {
        address.target_ref.name
        for subset in found.subsets or []
        for address in subset.addresses or []
        if address.target_ref
    }
    owners = set()
    for pod in pods:
        live = harness.core.read_namespaced_pod(pod, "default")
        owners |= {ref.name for ref in live.metadata.owner_references or []}
    return owners


def server_group(kind: str, image: str, **annotations: str) -> dict[str, Any]:
    if kind == "ReplicaSet":
        return replica_set("web", image=image, **annotations)
    return deployment(
        "web", image=image, annotations={"strategy.spinnaker.io/versioned": "true", **annotations}
    )


def deploy(harness: Harness, kind: str, image: str, strategy: str, **extra: Any) -> Any:
    manifests = [service("web", TRAFFIC_LABEL), server_group(kind, image)]
    return harness.run_pipeline(
        [deploy_stage(manifests, trafficManagement=traffic(strategy), **extra)],
        seconds=extra.pop("seconds", 3600) if "seconds" in extra else 3600,
    )


@pytest.mark.parametrize("kind", ["ReplicaSet", "Deployment"])
def test_red_black_moves_traffic_to_the_new_version_and_keeps_the_old_one_disabled(
    harness: Harness, kind: str
) -> None:
    first = deploy(harness, kind, "nginx:1.25", "redblack")
    second = deploy(harness, kind, "nginx:1.26", "redblack")

    assert first.status == Status.SUCCEEDED, describe(first)
    assert second.status == Status.SUCCEEDED, describe(second)
    disable = stage_named(second, f"Disable {kind[0].lower() + kind[1:]} web-v000")
    assert disable.type == "disableManifest"
    harness.settle()
    live_old = harness.cluster.get(kind, "web-v000")
    assert live_old is not None
    assert "frontend" not in live_old["spec"]["template"]["metadata"]["labels"]
    if kind == "ReplicaSet":
        assert endpoints(harness) == {"web-v001"}
    else:
        assert all(owner.startswith("web-v001") for owner in endpoints(harness))


def test_blue_green_is_red_black_under_its_new_name(harness: Harness) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "bluegreen")
    execution = deploy(harness, "ReplicaSet", "nginx:1.26", "bluegreen")

    assert execution.status == Status.SUCCEEDED, describe(execution)
    harness.settle()
    assert endpoints(harness) == {"web-v001"}


def test_highlander_deletes_every_older_version(harness: Harness) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "highlander")
    deploy(harness, "ReplicaSet", "nginx:1.26", "highlander")
    execution = deploy(harness, "ReplicaSet", "nginx:1.27", "highlander")

    assert execution.status == Status.SUCCEEDED, describe(execution)
    harness.settle()
    names = {rs.metadata.name for rs in harness.apps.list_namespaced_replica_set("default").items}
    assert names == {"web-v002"}
    assert endpoints(harness) == {"web-v002"}


def test_a_broken_new_version_fails_and_the_old_one_keeps_serving(harness: Harness) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "redblack")

    execution = deploy(harness, "ReplicaSet", "nginx:broken", "redblack", stageTimeoutMs=120_000)

    assert execution.status == Status.TERMINAL
    stage = stage_named(execution, "Deploy 1")
    assert any("ImagePullBackOff" in m or "ErrImagePull" in m for m in stage.context["messages"])
    assert stage.context["events"]
    harness.settle()
    assert endpoints(harness) == {"web-v000"}
    assert harness.cluster.get("ReplicaSet", "web-v001") is not None


def test_rollback_on_failure_deletes_the_broken_new_version(harness: Harness) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "redblack")

    # No stageTimeoutMs here: it would cover the rollback stages too (Orca's top-level timeout);
    # the wait task's own 30-minute timeout ends the stage instead.
    execution = deploy(
        harness,
        "ReplicaSet",
        "nginx:broken",
        "redblack",
        rollbackOnFailure=True,
        backoffPeriodMs=60_000,
    )

    assert execution.status == Status.TERMINAL
    assert stage_named(execution, "Rollback: delete replicaSet web-v001").status == Status.SUCCEEDED
    harness.settle()
    assert harness.cluster.get("ReplicaSet", "web-v001") is None
    assert endpoints(harness) == {"web-v000"}


def test_aborting_a_red_black_deploy_with_rollback_on_failure_removes_the_new_version(
    harness: Harness,
) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "redblack")
    manifests = [service("web", TRAFFIC_LABEL), replica_set("web", image="nginx:broken")]
    execution_id = harness.start(
        [deploy_stage(manifests, trafficManagement=traffic("redblack"), rollbackOnFailure=True)]
    )
    harness.run(execution_id, seconds=60)

    harness.engine.operations.cancel(execution_id=execution_id, user="tester", reason="abort")
    execution = harness.run(execution_id, seconds=60)

    assert execution.status == Status.CANCELED
    assert harness.cluster.get("ReplicaSet", "web-v001") is None
    assert stage_named(execution, "Deploy 1").context["rollback"] == ["deleted replicaSet web-v001"]


def test_manual_rollback_enables_the_previous_version_and_disables_the_newest(
    harness: Harness,
) -> None:
    deploy(harness, "ReplicaSet", "nginx:1.25", "redblack")
    deploy(harness, "ReplicaSet", "nginx:1.26", "redblack")
    target = {"account": "sandbox", "cluster": "replicaSet web", "location": "default"}

    execution = harness.run_pipeline(
        [
            {
                "refId": "1",
                "type": "enableManifest",
                "name": "Enable old",
                "criteria": "second_newest",
                **target,
            },
            {
                "refId": "2",
                "requisiteStageRefIds": ["1"],
                "type": "disableManifest",
                "name": "Disable new",
                "criteria": "newest",
                **target,
            },
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    harness.settle()
    assert endpoints(harness) == {"web-v000"}
