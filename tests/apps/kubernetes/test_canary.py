"""Canary deploys: weight steps by replica ratio or nginx-ingress annotation, timed and indefinite
pauses, continue/promote/abort actions, automatic abort of a broken canary, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from apps.kubernetes.stages.canary import replica_split
from apps.kubernetes.stages.canary_actions import canary_action
from engine.errors import OperationNotAllowedError
from engine.model import Execution
from engine.status import Status
from tests.apps.kubernetes.conftest import Harness, deploy_stage, deployment, describe, stage_named

INGRESS: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {"name": "web"},
    "spec": {
        "rules": [
            {
                "host": "shop.example",
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "web", "port": {"number": 80}}},
                        }
                    ]
                },
            }
        ]
    },
}


def canary_traffic(steps: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "options": {"strategy": "canary", "canary": {"steps": steps, **options}},
    }


def start_canary(harness: Harness, image: str, steps: list[dict[str, Any]], **options: Any) -> str:
    harness.run_pipeline([deploy_stage([deployment("web", replicas=4)])])
    stage = deploy_stage(
        [deployment("web", image=image, replicas=4)],
        trafficManagement=canary_traffic(steps, **options),
    )
    return harness.start([stage])


def replicas(harness: Harness, name: str) -> int:
    return int(harness.apps.read_namespaced_deployment(name, "default").spec.replicas)


def act(harness: Harness, execution: Execution, action: str) -> None:
    stage = stage_named(execution, "Deploy 1")
    engine = harness.engine
    canary_action(
        repository=engine.repository,
        queue=engine.queue,
        events=engine.events,
        clock=harness.clock,
        execution_id=execution.id,
        stage_id=stage.id,
        action=action,
        user="alice",
    )


def test_replica_split_rounds_both_sides_up() -> None:
    assert replica_split(10, 15, ingress=False) == (9, 2)
    assert replica_split(4, 25, ingress=False) == (3, 1)
    assert replica_split(4, 0, ingress=True) == (4, 0)
    assert replica_split(4, 10, ingress=True) == (4, 1)


def test_the_first_canary_deploy_goes_straight_to_full_weight(harness: Harness) -> None:
    stage = deploy_stage([deployment("web")], trafficManagement=canary_traffic([{"setWeight": 50}]))
    execution = harness.run_pipeline([stage])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert stage_named(execution, "Deploy 1").context["canary"]["active"] is False
    assert harness.cluster.get("Deployment", "web-canary") is None


def test_weight_steps_move_replicas_then_continue_promotes_the_new_version(
    harness: Harness,
) -> None:
    steps = [{"setWeight": 25}, {"pause": {"duration": "1m"}}, {"setWeight": 50}, {"pause": {}}]
    execution_id = start_canary(harness, "nginx:1.26", steps)

    paused = harness.run(execution_id, seconds=300)

    state = stage_named(paused, "Deploy 1").context["canary"]
    assert state["phase"] == "paused"
    assert state["weight"] == 50
    assert (replicas(harness, "web"), replicas(harness, "web-canary")) == (2, 2)
    act(harness, paused, "continue")
    done = harness.run(execution_id, seconds=600)

    assert done.status == Status.SUCCEEDED, describe(done)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.26"
    assert live.spec.replicas == 4
    assert harness.cluster.get("Deployment", "web-canary") is None


def test_promote_skips_the_remaining_steps(harness: Harness) -> None:
    execution_id = start_canary(
        harness, "nginx:1.26", [{"setWeight": 25}, {"pause": {}}, {"setWeight": 75}]
    )
    paused = harness.run(execution_id, seconds=300)

    act(harness, paused, "promote")
    done = harness.run(execution_id, seconds=600)

    assert done.status == Status.SUCCEEDED, describe(done)
    assert stage_named(done, "Deploy 1").context["canary"]["phase"] == "completed"
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.26"


def test_abort_sends_traffic_back_to_stable_and_scales_the_canary_down(harness: Harness) -> None:
    execution_id = start_canary(harness, "nginx:1.26", [{"setWeight": 50}, {"pause": {}}])
    paused = harness.run(execution_id, seconds=300)

    act(harness, paused, "abort")
    done = harness.run(execution_id, seconds=300)

    assert done.status == Status.TERMINAL
    assert (
        "aborted by alice" in stage_named(done, "Deploy 1").context["exception"]["details"]["error"]
    )
    assert (replicas(harness, "web"), replicas(harness, "web-canary")) == (4, 0)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.25"


def test_a_broken_canary_aborts_by_itself(harness: Harness) -> None:
    broken_steps = [{"setWeight": 25}, {"pause": {}}]
    harness.run_pipeline([deploy_stage([deployment("web", replicas=4)])])
    manifest = deployment("web", image="nginx:broken", replicas=4, progressDeadlineSeconds=60)
    execution_id = harness.start(
        [deploy_stage([manifest], trafficManagement=canary_traffic(broken_steps))]
    )

    done = harness.run(execution_id, seconds=600)

    assert done.status == Status.TERMINAL
    stage = stage_named(done, "Deploy 1")
    assert "Canary failed" in stage.context["exception"]["details"]["error"]
    assert stage.context["events"]
    assert (replicas(harness, "web"), replicas(harness, "web-canary")) == (4, 0)


def test_canceling_the_pipeline_aborts_the_canary(harness: Harness) -> None:
    execution_id = start_canary(harness, "nginx:1.26", [{"setWeight": 50}, {"pause": {}}])
    harness.run(execution_id, seconds=300)

    harness.engine.operations.cancel(execution_id=execution_id, user="tester")
    done = harness.run(execution_id, seconds=60)

    assert done.status == Status.CANCELED
    assert (replicas(harness, "web"), replicas(harness, "web-canary")) == (4, 0)


def test_an_ingress_canary_sets_the_nginx_weight_and_keeps_stable_at_full_size(
    harness: Harness,
) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    harness.run_pipeline([deploy_stage([service, INGRESS, deployment("web", replicas=4)])])
    stage = deploy_stage(
        [deployment("web", image="nginx:1.26", replicas=4)],
        trafficManagement=canary_traffic([{"setWeight": 20}, {"pause": {}}], ingress="ingress web"),
    )
    execution_id = harness.start([stage])

    paused = harness.run(execution_id, seconds=300)

    canary_ingress = harness.networking.read_namespaced_ingress("web-canary", "default")
    assert canary_ingress.metadata.annotations["nginx.ingress.kubernetes.io/canary"] == "true"
    assert canary_ingress.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"] == "20"
    backend = canary_ingress.spec.rules[0].http.paths[0].backend.service.name
    assert backend == "web-canary"
    assert (replicas(harness, "web"), replicas(harness, "web-canary")) == (4, 1)
    stable_endpoints = harness.core.read_namespaced_endpoints("web", "default")
    stable_pods = [a.target_ref.name for s in stable_endpoints.subsets for a in s.addresses]
    assert all("canary" not in pod for pod in stable_pods)

    act(harness, paused, "promote")
    done = harness.run(execution_id, seconds=600)

    assert done.status == Status.SUCCEEDED, describe(done)
    assert harness.cluster.get("Ingress", "web-canary") is None
    assert harness.cluster.get("Service", "web-canary") is None


def test_actions_are_refused_when_no_canary_runs(harness: Harness) -> None:
    execution = harness.run_pipeline([deploy_stage([deployment("web")])])

    with pytest.raises(OperationNotAllowedError):
        act(harness, execution, "promote")
