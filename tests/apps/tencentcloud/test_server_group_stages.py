"""Server-group stages: resize, enable, disable, destroy and clone, on the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from engine.status import Status
from tests.apps.tencentcloud.harness import (
    ACCOUNT,
    REGION,
    Harness,
    cluster_config,
    failure_message,
)


def seed(harness: Harness, *images: str, **overrides: Any) -> None:
    """One group per image in cluster shop-web (strategy none: all stay enabled)."""
    for image in images:
        stage = {"refId": "d", "type": "deploy", **cluster_config(imageId=image, strategy="none")}
        stage.update(overrides)
        execution = harness.pipeline(stage)
        assert execution.status == Status.SUCCEEDED, failure_message(execution)


def step(stage_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "refId": "1",
        "type": stage_type,
        "name": stage_type,
        "account": ACCOUNT,
        "regions": [REGION],
        "cloudProvider": "tencentcloud",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"capacity": {"min": 1, "max": 5, "desired": 3}}, (1, 5, 3)),
        ({"action": "scale_exact", "capacity": {"desired": 1}}, (1, 4, 1)),
        ({"action": "scale_up", "scalePct": 50}, (2, 6, 3)),
        ({"action": "scale_down", "scaleNum": 1}, (0, 3, 1)),
        ({"resizeType": "incr", "scaleNum": 2}, (3, 6, 4)),
    ],
    ids=["exact", "exact-desired-only", "percentage-up", "increment-down", "increment-default-up"],
)
def test_resize_server_group_reaches_the_requested_capacity(
    harness: Harness, fields: dict[str, Any], expected: tuple[int, int, int]
) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(
        step("resizeServerGroup", serverGroupName="shop-web-v000", **fields)
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    group = harness.group("shop-web-v000")
    assert (group.capacity.min, group.capacity.max, group.capacity.desired) == expected
    assert len(harness.serving("shop-web-v000")) == expected[2]
    assert len(harness.members("shop-web-v000")) == expected[2]


def test_resize_to_match_the_largest_group_of_the_cluster(harness: Harness) -> None:
    seed(harness, "img-demo0001")
    seed(harness, "img-demo0002", capacity={"min": 1, "max": 4, "desired": 1})

    execution = harness.pipeline(
        step(
            "resizeServerGroup",
            action="scale_to_cluster",
            target="current_asg_dynamic",
            cluster="shop-web",
        )
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert harness.group("shop-web-v001").capacity.desired == 2
    assert harness.stage(execution, "resizeServerGroup").context["serverGroupName"] == (
        "shop-web-v001"
    )


def test_disable_then_enable_a_server_group_by_target(harness: Harness) -> None:
    seed(harness, "img-demo0001", "img-demo0002")

    disabled = harness.pipeline(
        step("disableServerGroup", cluster="shop-web", target="ancestor_asg_dynamic")
    )

    assert disabled.status == Status.SUCCEEDED, failure_message(disabled)
    group = harness.group("shop-web-v000")
    assert group.disabled
    assert not group.scaling_enabled
    assert harness.serving("shop-web-v000") == []
    assert all(weights == [0] for weights in harness.weights("shop-web-v000").values())
    assert len(harness.serving("shop-web-v001")) == 2

    enabled = harness.pipeline(
        step("enableServerGroup", cluster="shop-web", target="oldest_asg_dynamic")
    )

    assert enabled.status == Status.SUCCEEDED, failure_message(enabled)
    group = harness.group("shop-web-v000")
    assert not group.disabled
    assert group.scaling_enabled
    assert all(weights == [10] for weights in harness.weights("shop-web-v000").values())
    assert len(harness.serving("shop-web-v000")) == 2


def test_a_disabled_group_scales_with_the_api_calls_that_work_while_disabled(
    harness: Harness,
) -> None:
    seed(harness, "img-demo0001")
    assert harness.pipeline(step("disableServerGroup", serverGroupName="shop-web-v000")).status == (
        Status.SUCCEEDED
    )

    execution = harness.pipeline(
        step(
            "resizeServerGroup",
            serverGroupName="shop-web-v000",
            capacity={"min": 0, "max": 4, "desired": 3},
        )
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    group = harness.group("shop-web-v000")
    assert group.capacity.desired == 3
    assert not group.scaling_enabled
    assert len(harness.members("shop-web-v000")) == 3
    assert harness.serving("shop-web-v000") == []  # still out of rotation
    assert [c.action for c in harness.cloud.calls("ScaleOutInstances")]


def test_destroy_server_group_drains_then_deletes_the_group_and_its_launch_configuration(
    harness: Harness,
) -> None:
    seed(harness, "img-demo0001", "img-demo0002")
    launch_configuration = harness.group("shop-web-v000").launch_configuration_id

    execution = harness.pipeline(step("destroyServerGroup", serverGroupName="shop-web-v000"))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert sorted(harness.groups("shop-web")) == ["shop-web-v001"]
    remaining = harness.api.autoscaling(
        "DescribeLaunchConfigurations", {"LaunchConfigurationIds": [launch_configuration]}
    )
    assert remaining["TotalCount"] == 0
    assert len(harness.serving("shop-web-v001")) == 2


def test_destroy_works_on_a_disabled_group_too(harness: Harness) -> None:
    seed(harness, "img-demo0001")
    assert harness.pipeline(step("disableServerGroup", serverGroupName="shop-web-v000")).status == (
        Status.SUCCEEDED
    )

    execution = harness.pipeline(step("destroyServerGroup", serverGroupName="shop-web-v000"))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert harness.groups("shop-web") == {}


def test_clone_server_group_copies_the_source_and_applies_overrides(harness: Harness) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(
        step(
            "cloneServerGroup",
            source={"serverGroupName": "shop-web-v000", "region": REGION},
            imageId="img-demo0003",
            capacity={"min": 1, "max": 3, "desired": 1},
            strategy="redblack",
        )
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    clone = harness.group("shop-web-v001")
    source = harness.group("shop-web-v000")
    assert clone.capacity.desired == 1
    # The source is disabled by now (weight 0); the clone serves with the source's weights.
    assert [b.to_api() for b in clone.bindings] == [b.to_api() for b in source.serving_weights()]
    assert clone.bindings[0].targets == ((80, 10),)
    assert clone.raw["SubnetIdSet"] == source.raw["SubnetIdSet"]
    launch = harness.api.autoscaling(
        "DescribeLaunchConfigurations", {"LaunchConfigurationIds": [clone.launch_configuration_id]}
    )["LaunchConfigurationSet"][0]
    assert launch["ImageId"] == "img-demo0003"
    assert launch["SecurityGroupIds"] == ["sg-sandbox1"]
    assert launch["SystemDisk"]["DiskSize"] == 50
    assert source.disabled  # red/black after the clone
    assert harness.stage(execution, "cloneServerGroup").outputs["deploy.server.groups"] == {
        REGION: ["shop-web-v001"]
    }


def test_a_deploy_without_settings_clones_the_current_group(harness: Harness) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(
        {
            "refId": "d",
            "type": "deploy",
            "account": ACCOUNT,
            "region": REGION,
            "application": "shop",
            "stack": "web",
            "imageId": "img-demo0002",
            "strategy": "redblack",
        }
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    new = harness.group("shop-web-v001")
    assert new.capacity.desired == 2
    assert len(harness.serving("shop-web-v001")) == 2
    assert harness.serving("shop-web-v000") == []


def test_stages_fan_out_over_several_regions(harness: Harness) -> None:
    seed(harness, "img-demo0001")
    seed(
        harness,
        "img-demo0001",
        region="ap-shanghai",
        forwardLoadBalancers=[
            {
                "loadBalancerId": "lb-sandbox1",
                "listenerId": "lbl-sandbox1",
                "locationId": "loc-sandbox1",
                "targetAttributes": [{"port": 80, "weight": 10}],
            }
        ],
    )

    execution = harness.pipeline(
        step(
            "disableServerGroup",
            regions=[REGION, "ap-shanghai"],
            cluster="shop-web",
            target="current_asg_dynamic",
        )
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert harness.statuses(execution) == {
        "disableServerGroup": "SUCCEEDED",
        f"disableServerGroup ({REGION})": "SUCCEEDED",
        "disableServerGroup (ap-shanghai)": "SUCCEEDED",
    }
    assert harness.group("shop-web-v000").disabled
