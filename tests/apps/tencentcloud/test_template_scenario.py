"""The "Tencent Cloud auto-scaling" template's shape, end to end on the sandbox (engine level).

Two clusters deploy in parallel branches with red/black, a downstream stage reads what was
deployed through an expression, then cleanup removes the disabled groups."""

from __future__ import annotations

from typing import Any

from engine.status import Status
from tests.apps.tencentcloud.harness import (
    ACCOUNT,
    REGION,
    Harness,
    cluster_config,
    failure_message,
)


def template(web_image: str, api_image: str) -> list[dict[str, Any]]:
    api_cluster = cluster_config(
        stack="api",
        imageId=api_image,
        capacity={"min": 1, "max": 2, "desired": 1},
        forwardLoadBalancers=[
            {
                "loadBalancerId": "lb-sandbox1",
                "listenerId": "lbl-sandbox2",
                "targetAttributes": [{"port": 8080, "weight": 20}],
            }
        ],
    )
    del api_cluster["account"]
    return [
        {
            "refId": "1",
            "type": "deploy",
            "name": "Deploy web",
            **cluster_config(stack="web", imageId=web_image),
        },
        {
            "refId": "2",
            "type": "deploy",
            "name": "Deploy api",
            "account": ACCOUNT,
            "clusters": [api_cluster],
        },
        {
            "refId": "3",
            "type": "evaluateVariables",
            "name": "What was deployed",
            "requisiteStageRefIds": ["1", "2"],
            "variables": [
                {
                    "key": "webGroup",
                    "value": "${#stage('Deploy web')['outputs']['deploy.server.groups']"
                    "['ap-guangzhou'][0]}",
                },
                {
                    "key": "apiGroup",
                    "value": "${#stage('Deploy api')['outputs']['deploy.server.groups']"
                    "['ap-guangzhou'][0]}",
                },
            ],
        },
        {
            "refId": "4",
            "type": "shrinkCluster",
            "name": "Cleanup web",
            "requisiteStageRefIds": ["3"],
            "account": ACCOUNT,
            "regions": [REGION],
            "cluster": "shop-web",
            "shrinkToSize": 1,
            "allowDeleteActive": False,
        },
        {
            "refId": "5",
            "type": "shrinkCluster",
            "name": "Cleanup api",
            "requisiteStageRefIds": ["3"],
            "account": ACCOUNT,
            "regions": [REGION],
            "cluster": "shop-api",
            "shrinkToSize": 1,
            "allowDeleteActive": False,
        },
    ]


def test_parallel_red_black_deploys_then_cleanup(harness: Harness) -> None:
    first = harness.pipeline(*template("img-demo0001", "img-demo0001"))
    assert first.status == Status.SUCCEEDED, failure_message(first)

    second = harness.pipeline(*template("img-demo0002", "img-demo0002"))

    assert second.status == Status.SUCCEEDED, failure_message(second)
    variables = harness.stage(second, "What was deployed").outputs
    assert variables["webGroup"] == "shop-web-v001"
    assert variables["apiGroup"] == "shop-api-v001"
    assert sorted(harness.groups("shop-web")) == ["shop-web-v001"]
    assert sorted(harness.groups("shop-api")) == ["shop-api-v001"]
    assert len(harness.serving("shop-web-v001")) == 2
    assert harness.weights("shop-api-v001") == {
        instance: [20] for instance in harness.members("shop-api-v001")
    }
    # Both deploys ran at the same time: each started before the other finished.
    web, api = harness.stage(second, "Deploy web"), harness.stage(second, "Deploy api")
    assert web.start_time is not None
    assert api.start_time is not None
    assert web.start_time < (api.end_time or 0)
    assert api.start_time < (web.end_time or 0)
    assert {team for team, _ in harness.resolved} == {"acme"}


def test_a_broken_image_in_one_branch_leaves_the_old_group_serving(harness: Harness) -> None:
    assert harness.pipeline(*template("img-demo0001", "img-demo0001")).status == Status.SUCCEEDED

    broken = harness.pipeline(*template("img-demobroken", "img-demo0002"))

    assert broken.status == Status.TERMINAL
    assert harness.stage(broken, "Cleanup web").status == Status.NOT_STARTED
    assert len(harness.serving("shop-web-v000")) == 2
    assert harness.group("shop-web-v001").disabled
    assert not harness.group("shop-web-v000").disabled
