"""Shapes of pipelines exported from Spinnaker, imported through the API and run on the
sandbox cluster by the Django-backed engine: a manifest and an image that come only from
the pipeline's default artifacts (no trigger names them) are bound at a manual start."""

from __future__ import annotations

import base64
from typing import Any

import yaml
from kubernetes import client

from apps.executions.models import Execution
from tests.apps.kubernetes.test_template_on_django import SharedClock, cluster, settle
from tests.conftest import World

__all__ = ["cluster"]

APP = "/api/v1/teams/acme/applications/shop/pipelines/"
MANIFEST = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "catalog", "namespace": "default"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "catalog"}},
        "template": {
            "metadata": {"labels": {"app": "catalog"}},
            "spec": {"containers": [{"name": "catalog", "image": "example/catalog"}]},
        },
    },
}


def _expected(artifact_id: str, default: dict[str, Any], **flags: Any) -> dict[str, Any]:
    return {
        "id": artifact_id,
        "displayName": artifact_id,
        "defaultArtifact": {"id": f"{artifact_id}-default", **default},
        "matchArtifact": {"id": f"{artifact_id}-match", "type": default["type"]},
        "usePriorArtifact": False,
        "useDefaultArtifact": True,
        **flags,
    }


def exported_pipeline(**image_flags: Any) -> dict[str, Any]:
    """A Deck export: artifact manifest and image defaults, a trigger that names neither."""
    encoded = base64.b64encode(yaml.safe_dump(MANIFEST).encode()).decode()
    return {
        "application": "catalog",
        "name": "deploy catalog",
        "appConfig": {},
        "keepWaitingPipelines": False,
        "limitConcurrent": True,
        "expectedArtifacts": [
            _expected(
                "manifest-0001",
                {"type": "embedded/base64", "name": "catalog.yaml", "reference": encoded},
            ),
            _expected(
                "image-0001",
                {
                    "type": "docker/image",
                    "name": "example/catalog",
                    "reference": "example/catalog:2.4.1",
                    "version": "2.4.1",
                },
                **image_flags,
            ),
        ],
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "deployManifest",
                "name": "Deploy (Manifest)",
                "account": "sandbox-k8s",
                "cloudProvider": "kubernetes",
                "source": "artifact",
                "manifestArtifactAccount": "embedded-artifact",
                "manifestArtifactId": "manifest-0001",
                "requiredArtifactIds": ["image-0001"],
                "moniker": {"app": "catalog"},
                "relationships": {"loadBalancers": [], "securityGroups": []},
                "skipExpressionEvaluation": False,
                "trafficManagement": {
                    "enabled": False,
                    "options": {"enableTraffic": False, "services": []},
                },
            }
        ],
        "triggers": [
            {
                "type": "docker",
                "enabled": True,
                "account": "dockerhub",
                "registry": "index.docker.io",
                "organization": "example",
                "repository": "example/catalog",
            }
        ],
        "updateTs": "1597121227000",
    }


def test_a_manual_start_binds_default_artifacts_no_trigger_names(
    world: World, cluster: tuple[Any, SharedClock]
) -> None:
    api, clock = cluster
    owner = world.client("owner")
    created = owner.post(APP, exported_pipeline(), format="json")
    assert created.status_code == 201, created.json()

    started = owner.post(f"/api/v1/pipelines/{created.json()['id']}/executions/", {}, format="json")
    assert started.status_code == 202, started.json()
    settle(clock)

    run = owner.get(f"/api/v1/executions/{started.json()['id']}/").json()
    assert run["status"] == "SUCCEEDED", run["stages"]
    live = client.AppsV1Api(api).read_namespaced_deployment("catalog", "default")
    assert live.spec.template.spec.containers[0].image == "example/catalog:2.4.1"


def test_an_artifact_that_can_only_come_from_a_prior_run_refuses_the_first_start(
    world: World, cluster: tuple[Any, SharedClock]
) -> None:
    owner = world.client("owner")
    config = exported_pipeline(useDefaultArtifact=False, usePriorArtifact=True)
    created = owner.post(APP, config, format="json")
    assert created.status_code == 201, created.json()

    started = owner.post(f"/api/v1/pipelines/{created.json()['id']}/executions/", {}, format="json")

    assert started.status_code == 400, started.json()
    assert started.json()["details"]["errors"][0]["pointer"] == "/expectedArtifacts"
    assert "image-0001" in started.json()["message"]
    assert Execution.objects.count() == 0
