"""The infrastructure view API against the team's sandbox account: clusters, actions, access."""

from __future__ import annotations

from typing import Any

import pytest

from engine.status import Status
from tests.apps.kubernetes.conftest import Harness, deploy_stage, deployment
from tests.conftest import World

URL = "/api/v1/teams/acme/applications/shop/clusters/"
WEB = URL + "k8s/default/deployment/web/"


@pytest.fixture
def deployed(harness: Harness, world: World, settings: Any) -> Harness:
    settings.CDPLATFORM = {
        **getattr(settings, "CDPLATFORM", {}),
        "SANDBOX_KUBERNETES_URL": harness.cluster.url,
    }
    execution = harness.run_pipeline([deploy_stage([deployment("web", replicas=2)])])
    assert execution.status == Status.SUCCEEDED
    return harness


def test_the_view_lists_clusters_with_server_groups_pods_and_images(
    deployed: Harness, world: World
) -> None:
    response = world.client("viewer").get(URL)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accounts"] == [{"name": "k8s", "error": None}]
    [cluster] = body["clusters"]
    assert cluster["name"] == "deployment web"
    [group] = cluster["serverGroups"]
    assert group["images"] == ["nginx:1.25"]
    assert group["replicas"]["ready"] == 2
    assert [pod["health"] for pod in group["pods"]] == ["Up", "Up"]


def test_scale_needs_the_operate_permission(deployed: Harness, world: World) -> None:
    refused = world.client("viewer").post(WEB + "scale", {"replicas": 3}, format="json")
    done = world.client("admin").post(WEB + "scale", {"replicas": 3}, format="json")

    assert refused.status_code == 403
    assert done.status_code == 202, done.content
    assert deployed.apps.read_namespaced_deployment("web", "default").spec.replicas == 3


def test_rollback_edit_and_delete(deployed: Harness, world: World) -> None:
    admin = world.client("admin")
    edited = deployment("web", image="nginx:1.26")

    edit = admin.post(WEB + "edit", {"manifest": edited}, format="json")
    deployed.settle(30)
    rollback = admin.post(WEB + "rollback", {"revisions": 1}, format="json")
    image = deployed.apps.read_namespaced_deployment("web", "default").spec.template.spec
    delete = admin.post(WEB + "delete", {}, format="json")

    assert (edit.status_code, rollback.status_code, delete.status_code) == (202, 202, 202)
    assert rollback.json()["result"]["revision"] == 1
    assert image.containers[0].image == "nginx:1.25"
    assert deployed.cluster.get("Deployment", "web") is None


def test_other_teams_and_unknown_workloads_are_not_found(deployed: Harness, world: World) -> None:
    assert world.client("outsider").get(URL).status_code == 404
    missing = world.client("admin").post(
        URL + "k8s/default/deployment/nope/scale", {"replicas": 1}, format="json"
    )
    assert missing.status_code == 404


def test_canary_actions_on_an_unknown_run_are_not_found(world: World) -> None:
    response = world.client("admin").post(
        "/api/v1/executions/01HZZZZZZZZZZZZZZZZZZZZZZZ/stages/x/canary",
        {"action": "promote"},
        format="json",
    )
    assert response.status_code == 404
