"""Pipeline templates: blank, a Kubernetes red/black release, a parallel Tencent Cloud AS deploy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

KUBERNETES_ACCOUNT = "sandbox-k8s"
TENCENTCLOUD_ACCOUNT = "sandbox-tencent"

JUDGMENT = "Verify the release"


def blank(*, application: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "application": application,
        "stages": [],
        "triggers": [],
        "parameterConfig": [],
        "notifications": [],
        "expectedArtifacts": [],
        "limitConcurrent": True,
        "keepWaitingPipelines": False,
        "spelEvaluator": "v4",
    }


def _service(application: str) -> dict[str, Any]:
    # The selector must share no key with the workloads' own labels: traffic management adds
    # and removes these labels on a version's pods to put it in or out of the Service.
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": application, "namespace": "default"},
        "spec": {
            "selector": {"frontedBy": application},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
        },
    }


def _replica_set(application: str) -> dict[str, Any]:
    # Red/black traffic management works on ReplicaSets: each deploy is a new -vNNN version.
    labels = {"app": application}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": application, "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": application,
                            "image": "${parameters.image}",
                            "ports": [{"containerPort": 8080}],
                            "readinessProbe": {"httpGet": {"path": "/", "port": 8080}},
                        }
                    ]
                },
            },
        },
    }


def _cluster_target(ref_id: str, requisites: list[str], **fields: Any) -> dict[str, Any]:
    # On the very first release there is no previous version to scale down or bring back:
    # the stage then ends FAILED_CONTINUE (visible) and the release still succeeds.
    return {
        "refId": ref_id,
        "requisiteStageRefIds": requisites,
        "account": KUBERNETES_ACCOUNT,
        "cloudProvider": "kubernetes",
        "location": "default",
        "mode": "dynamic",
        "failPipeline": False,
        "continuePipeline": True,
        **fields,
    }


def kubernetes(*, application: str, name: str) -> dict[str, Any]:
    """Deploy red/black behind a Service, judge, then promote or roll back."""
    cluster = f"replicaSet {application}"
    promote = f"#judgment('{JUDGMENT}') == 'promote'"
    rollback = f"#judgment('{JUDGMENT}') == 'rollback'"
    config = blank(application=application, name=name)
    config["description"] = str(
        _(
            "Deploys a new ReplicaSet version red/black behind the Service, waits for a person "
            "to promote or roll back, then cleans up or restores the previous version."
        )
    )
    config["parameterConfig"] = [
        {
            "name": "image",
            "label": "Image",
            "description": "The container image to release.",
            "default": "nginx:1.27",
            "required": True,
            "pinned": True,
            "hasOptions": False,
            "options": [],
        }
    ]
    config["stages"] = [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "deployManifest",
            "name": "Deploy the Service",
            "account": KUBERNETES_ACCOUNT,
            "cloudProvider": "kubernetes",
            "moniker": {"app": application},
            "source": "text",
            "manifests": [_service(application)],
            "skipExpressionEvaluation": False,
        },
        {
            "refId": "2",
            "requisiteStageRefIds": ["1"],
            "type": "deployManifest",
            "name": "Deploy red/black",
            "account": KUBERNETES_ACCOUNT,
            "cloudProvider": "kubernetes",
            "moniker": {"app": application},
            "source": "text",
            "manifests": [_replica_set(application)],
            "trafficManagement": {
                "enabled": True,
                "options": {
                    "enableTraffic": True,
                    "namespace": "default",
                    "services": [f"service {application}"],
                    "strategy": "redblack",
                },
            },
        },
        {
            "refId": "3",
            "requisiteStageRefIds": ["2"],
            "type": "manualJudgment",
            "name": JUDGMENT,
            "instructions": "Check the new version, then choose **promote** or **rollback**.",
            "judgmentInputs": [{"value": "promote"}, {"value": "rollback"}],
            "failPipeline": True,
            "stageTimeoutMs": 72 * 3600 * 1000,
        },
        _cluster_target(
            "4",
            ["3"],
            type="scaleManifest",
            name="Promote: scale the previous version to zero",
            cluster=cluster,
            criteria="second_newest",
            kind="replicaSet",
            replicas=0,
            stageEnabled={"type": "expression", "expression": promote},
        ),
        _cluster_target(
            "5",
            ["3"],
            type="enableManifest",
            name="Roll back: enable the previous version",
            cluster=cluster,
            criteria="second_newest",
            kind="replicaSet",
            stageEnabled={"type": "expression", "expression": rollback},
        ),
        _cluster_target(
            "6",
            ["5"],
            type="disableManifest",
            name="Roll back: disable the new version",
            cluster=cluster,
            criteria="newest",
            kind="replicaSet",
            stageEnabled={"type": "expression", "expression": rollback},
        ),
    ]
    return config


def _auto_scaling_group(application: str, stack: str, zone: str) -> dict[str, Any]:
    return {
        "application": application,
        "stack": stack,
        "detail": "",
        "account": TENCENTCLOUD_ACCOUNT,
        "accountName": TENCENTCLOUD_ACCOUNT,
        "cloudProvider": "tencentcloud",
        "provider": "tencentcloud",
        "region": "ap-guangzhou",
        "zones": [zone],
        "vpcId": "vpc-sandbox1",
        "subnetIds": ["subnet-sandbox1", "subnet-sandbox2"],
        "securityGroupIds": ["sg-sandbox1"],
        "instanceType": "S5.MEDIUM2",
        "imageId": "${parameters.imageId}",
        "minSize": 1,
        "maxSize": 4,
        "desiredCapacity": 2,
        "forwardLoadBalancers": [
            {
                "loadBalancerId": "lb-sandbox1",
                "listenerId": "lbl-sandbox1",
                "locationId": "loc-sandbox1",
                "targetAttributes": [{"port": 8080, "weight": 10}],
            }
        ],
        "strategy": "redblack",
        "maxRemainingAsgs": 2,
        "scaleDown": True,
        "delayBeforeDisableSec": 0,
        "rollback": {"onFailure": True},
    }


def _shrink(ref_id: str, cluster: str) -> dict[str, Any]:
    return {
        "refId": ref_id,
        "requisiteStageRefIds": ["3"],
        "type": "shrinkCluster",
        "name": f"Clean up {cluster}",
        "credentials": TENCENTCLOUD_ACCOUNT,
        "cloudProvider": "tencentcloud",
        "regions": ["ap-guangzhou"],
        "cluster": cluster,
        "shrinkToSize": 2,
        "retainLargerOverNewer": False,
        "allowDeleteActive": False,
    }


def tencent_autoscaling(*, application: str, name: str) -> dict[str, Any]:
    """Deploy to two auto-scaling groups in parallel (red/black), observe, then clean up."""
    config = blank(application=application, name=name)
    config["description"] = str(
        _(
            "Deploys the image to two auto-scaling groups in parallel, red/black behind the "
            "load balancer, then keeps the two newest server groups of each cluster."
        )
    )
    config["parameterConfig"] = [
        {
            "name": "imageId",
            "label": "Image",
            "description": "The CVM image to deploy (e.g. img-demo0002).",
            "default": "img-demo0001",
            "required": True,
            "pinned": True,
            "hasOptions": False,
            "options": [],
        }
    ]
    config["stages"] = [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "deploy",
            "name": "Deploy group A",
            "clusters": [_auto_scaling_group(application, "a", "ap-guangzhou-1")],
        },
        {
            "refId": "2",
            "requisiteStageRefIds": [],
            "type": "deploy",
            "name": "Deploy group B",
            "clusters": [_auto_scaling_group(application, "b", "ap-guangzhou-2")],
        },
        {
            "refId": "3",
            "requisiteStageRefIds": ["1", "2"],
            "type": "wait",
            "name": "Observe",
            "waitTime": 300,
        },
        _shrink("4", f"{application}-a"),
        _shrink("5", f"{application}-b"),
    ]
    return config


TEMPLATES: dict[str, Callable[..., dict[str, Any]]] = {
    "blank": blank,
    "kubernetes": kubernetes,
    "tencent-autoscaling": tencent_autoscaling,
}


def build(template: str, *, application: str, name: str) -> dict[str, Any]:
    """The config of a named template; KeyError for an unknown one."""
    return TEMPLATES[template](application=application, name=name)
