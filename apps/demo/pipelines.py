"""The demo's pipelines: a release with parallel branches, a wait, a webhook to the platform
itself and a manual judgment; the Kubernetes and Tencent Cloud reference templates."""

from __future__ import annotations

from typing import Any


def release_pipeline(*, base_url: str) -> dict[str, Any]:
    """Parallel checks, a soak, a call to this server's /healthz, then a judgment."""
    return {
        "name": "release",
        "description": "Parallel checks, a soak, a health call to the platform, then approval.",
        "limitConcurrent": True,
        "keepWaitingPipelines": False,
        "parameterConfig": [
            {
                "name": "version",
                "label": "Version",
                "default": "1.0.0",
                "required": True,
                "pinned": True,
                "description": "The version to release.",
            },
            {
                "name": "environment",
                "label": "Environment",
                "default": "staging",
                "hasOptions": True,
                "options": [{"value": "staging"}, {"value": "production"}],
            },
        ],
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "evaluateVariables",
                "name": "Prepare",
                "variables": [
                    {
                        "key": "releaseName",
                        "value": "${parameters.environment}-${parameters.version}",
                    }
                ],
            },
            {
                "refId": "2",
                "requisiteStageRefIds": ["1"],
                "type": "checkPreconditions",
                "name": "Check version",
                "preconditions": [
                    {
                        "type": "expression",
                        "context": {
                            "expression": "${parameters.version.length() > 0}",
                            "failureMessage": "A version is required.",
                        },
                    }
                ],
            },
            {
                "refId": "3",
                "requisiteStageRefIds": ["1"],
                "type": "wait",
                "name": "Soak",
                "waitTime": 5,
            },
            {
                "refId": "4",
                "requisiteStageRefIds": ["1"],
                "type": "webhook",
                "name": "Platform health",
                "url": f"{base_url.rstrip('/')}/healthz",
                "method": "GET",
                "waitForCompletion": False,
            },
            {
                "refId": "5",
                "requisiteStageRefIds": ["2", "3", "4"],
                "type": "manualJudgment",
                "name": "Approve release",
                "instructions": "Health is ${#stage('Platform health')['context']['webhook']"
                "['body']['status']}. Release ${releaseName}?",
                "judgmentInputs": [{"value": "ship"}, {"value": "hold"}],
            },
            {
                "refId": "6",
                "requisiteStageRefIds": ["5"],
                "type": "wait",
                "name": "Announce",
                "waitTime": 1,
                "stageEnabled": {
                    "type": "expression",
                    "expression": "#judgment('Approve release') == 'ship'",
                },
            },
        ],
    }
