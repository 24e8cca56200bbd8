"""An execution in Spinnaker's JSON shape and an environment built around it, with a fixed clock."""

from __future__ import annotations

from typing import Any

import pytest

from engine.expressions import ExpressionEnvironment

NOW_MS = 1_712_345_678_000  # 2024-04-05T19:34:38Z


def sample_execution() -> dict[str, Any]:
    return {
        "type": "PIPELINE",
        "id": "01HV8Z3K6Q9YJ3W1T3Q8N2M4XA",
        "application": "shop",
        "name": "deploy-prod",
        "status": "RUNNING",
        "authentication": {"user": "alice", "allowedAccounts": ["prod-k8s"]},
        "trigger": {
            "type": "webhook",
            "user": "[anonymous]",
            "parameters": {"tag": "1.2.3", "env": "prod", "n": "41", "regions": ["ap-a", "ap-b"]},
            "payload": {"commit": "abc123", "branch": "main"},
            "buildInfo": {
                "scm": [
                    {"branch": "master", "sha1": "m1"},
                    {"branch": "feature/x", "sha1": "f1"},
                ]
            },
            "artifacts": [
                {"type": "docker/image", "name": "registry/shop", "reference": "registry/shop:7"}
            ],
            "resolvedExpectedArtifacts": [
                {
                    "id": "ea-1",
                    "boundArtifact": {
                        "type": "docker/image",
                        "name": "registry/api",
                        "reference": "registry/api:1.2.3",
                        "version": "1.2.3",
                    },
                }
            ],
        },
        "stages": [
            {
                "id": "s-bake",
                "refId": "1",
                "type": "bakeManifest",
                "name": "Bake",
                "status": "SUCCEEDED",
                "context": {"outputName": "shop"},
                "outputs": {"bakedImage": "img-7"},
            },
            {
                "id": "s-deploy",
                "refId": "2",
                "type": "deployManifest",
                "name": "Deploy",
                "status": "SUCCEEDED",
                "context": {
                    "account": "prod-k8s",
                    "deploy.server.groups": {"default": ["deployment shop"]},
                    "manifests": [
                        {"kind": "Service", "metadata": {"name": "shop"}},
                        {
                            "kind": "Deployment",
                            "metadata": {"name": "shop"},
                            "spec": {
                                "template": {"metadata": {"labels": {"app": "shop", "tier": "web"}}}
                            },
                        },
                    ],
                },
                "outputs": {},
            },
            {
                "id": "s-asg",
                "refId": "3",
                "type": "deploy",
                "name": "Deploy ASG",
                "status": "SUCCEEDED",
                "context": {
                    "account": "tencent-prod",
                    "region": "ap-guangzhou",
                    "capacity": {"min": 1, "max": 3, "desired": 2},
                    "deploy": {"server": {"groups": {"ap-guangzhou": ["shop-v003"]}}},
                },
                "outputs": {},
            },
            {
                "id": "s-approve",
                "refId": "4",
                "type": "manualJudgment",
                "name": "Approve",
                "status": "SUCCEEDED",
                "context": {"judgmentInput": "ship", "judgmentStatus": "continue"},
                "outputs": {},
            },
            {
                "id": "s-notify",
                "refId": "5",
                "type": "webhook",
                "name": "Notify",
                "status": "RUNNING",
                "context": {"url": "https://hooks.example.com/x", "count": 3},
                "outputs": {},
            },
        ],
    }


def sample_environment(**overrides: Any) -> ExpressionEnvironment:
    execution = sample_execution()
    stage = execution["stages"][4]
    options: dict[str, Any] = {
        "execution": execution,
        "stage": stage,
        "ancestor_outputs": [execution["stages"][0]["outputs"]],
        "now_ms": lambda: NOW_MS,
        "pipeline_id_lookup": lambda app, name: {("shop", "rollback"): "p-rollback"}.get(
            (app, name)
        ),
    }
    options.update(overrides)
    return ExpressionEnvironment.for_stage(**options)


@pytest.fixture
def env() -> ExpressionEnvironment:
    return sample_environment()
