"""Deploy strategies through the engine against the sandbox cloud."""

from __future__ import annotations

from engine.status import Status
from tests.apps.tencentcloud.harness import (
    REGION,
    Harness,
    cluster_config,
    failure_message,
)


def deploy(**overrides: object) -> dict[str, object]:
    return {"refId": "deploy", "type": "deploy", "name": "Deploy", **cluster_config(**overrides)}


def test_first_red_black_deploy_creates_v000_healthy_behind_the_clb(harness: Harness) -> None:
    execution = harness.pipeline(deploy())

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    group = harness.group("shop-web-v000")
    assert group.capacity.desired == 2
    assert group.tags["cdp:application"] == "shop"
    assert group.tags["cdp:cluster"] == "shop-web"
    assert group.tags["cdp:stack"] == "web"
    assert group.tags["cdp:sequence"] == "0"
    assert len(harness.serving("shop-web-v000")) == 2
    top = harness.stage(execution, "Deploy")
    assert top.outputs["deploy.server.groups"] == {REGION: ["shop-web-v000"]}


def test_red_black_disables_the_old_group_once_the_new_one_is_healthy(harness: Harness) -> None:
    assert harness.pipeline(deploy()).status == Status.SUCCEEDED

    execution = harness.pipeline(deploy(imageId="img-demo0002"))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    old, new = harness.group("shop-web-v000"), harness.group("shop-web-v001")
    assert old.disabled and not old.scaling_enabled
    assert harness.serving("shop-web-v000") == []
    assert len(harness.serving("shop-web-v001")) == 2
    assert not new.disabled
    assert harness.stage(execution, "Deploy").outputs["deploy.server.groups"] == {
        REGION: ["shop-web-v001"]
    }
