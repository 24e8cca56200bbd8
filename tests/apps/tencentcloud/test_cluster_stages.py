"""disableCluster, scaleDownCluster, shrinkCluster and rollbackCluster on the sandbox."""

from __future__ import annotations

from engine.status import Status
from tests.apps.tencentcloud.harness import Harness, cluster_config, failure_message
from tests.apps.tencentcloud.test_server_group_stages import seed, step


def test_disable_cluster_keeps_the_newest_enabled_groups(harness: Harness) -> None:
    seed(harness, "img-demo0001", "img-demo0002", "img-demo0003")

    execution = harness.pipeline(
        step("disableCluster", cluster="shop-web", remainingEnabledServerGroups=1)
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    groups = harness.groups("shop-web")
    assert [name for name, group in sorted(groups.items()) if group.disabled] == [
        "shop-web-v000",
        "shop-web-v001",
    ]
    assert harness.stage(execution, "disableCluster").context["plan"] == [
        "shop-web-v001",
        "shop-web-v000",
    ]


def test_disable_cluster_can_prefer_the_largest_group(harness: Harness) -> None:
    seed(harness, "img-demo0001", capacity={"min": 1, "max": 4, "desired": 3})
    seed(harness, "img-demo0002", capacity={"min": 1, "max": 4, "desired": 1})

    execution = harness.pipeline(
        step(
            "disableCluster",
            cluster="shop-web",
            remainingEnabledServerGroups=1,
            preferLargerOverNewer=True,
        )
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert not harness.group("shop-web-v000").disabled
    assert harness.group("shop-web-v001").disabled


def test_scale_down_cluster_only_touches_disabled_groups_unless_allowed(harness: Harness) -> None:
    seed(harness, "img-demo0001", "img-demo0002", "img-demo0003")
    assert harness.pipeline(step("disableServerGroup", serverGroupName="shop-web-v000")).status == (
        Status.SUCCEEDED
    )

    execution = harness.pipeline(
        step("scaleDownCluster", cluster="shop-web", remainingFullSizeServerGroups=1)
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert harness.group("shop-web-v000").capacity.desired == 0
    assert harness.members("shop-web-v000") == []
    assert harness.group("shop-web-v001").capacity.desired == 2  # enabled: left alone
    assert harness.group("shop-web-v002").capacity.desired == 2

    active = harness.pipeline(
        step(
            "scaleDownCluster",
            cluster="shop-web",
            remainingFullSizeServerGroups=1,
            allowScaleDownActive=True,
        )
    )

    assert active.status == Status.SUCCEEDED, failure_message(active)
    assert harness.group("shop-web-v001").capacity.desired == 0
    assert harness.group("shop-web-v002").capacity.desired == 2


def test_shrink_cluster_deletes_older_disabled_groups_only(harness: Harness) -> None:
    seed(harness, "img-demo0001", "img-demo0002", "img-demo0003")
    assert harness.pipeline(step("disableServerGroup", serverGroupName="shop-web-v000")).status == (
        Status.SUCCEEDED
    )

    execution = harness.pipeline(step("shrinkCluster", cluster="shop-web", shrinkToSize=1))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert sorted(harness.groups("shop-web")) == ["shop-web-v001", "shop-web-v002"]

    everything = harness.pipeline(
        step("shrinkCluster", cluster="shop-web", shrinkToSize=1, allowDeleteActive=True)
    )

    assert everything.status == Status.SUCCEEDED, failure_message(everything)
    assert sorted(harness.groups("shop-web")) == ["shop-web-v002"]


def test_rollback_cluster_re_enables_the_previous_group_and_disables_the_current(
    harness: Harness,
) -> None:
    deploy = {"refId": "d", "type": "deploy"}
    for image in ("img-demo0001", "img-demo0002"):
        stage = {**deploy, **cluster_config(imageId=image, scaleDown=True)}
        assert harness.pipeline(stage).status == Status.SUCCEEDED
    assert harness.group("shop-web-v000").capacity.desired == 0  # red/black scaled it down

    execution = harness.pipeline(
        step("rollbackCluster", cluster="shop-web", targetHealthyRollbackPercentage=100)
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    plan = harness.stage(execution, "rollbackCluster").context["plan"]
    assert plan["rollbackServerGroupName"] == "shop-web-v001"
    assert plan["restoreServerGroupName"] == "shop-web-v000"
    restored = harness.group("shop-web-v000")
    assert not restored.disabled
    assert restored.scaling_enabled
    assert restored.capacity.desired == 2
    assert len(harness.serving("shop-web-v000")) == 2
    assert harness.group("shop-web-v001").disabled
    assert harness.serving("shop-web-v001") == []


def test_rollback_cluster_fails_clearly_without_an_earlier_group(harness: Harness) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(step("rollbackCluster", cluster="shop-web"))

    assert execution.status == Status.TERMINAL
    assert "no earlier server group" in failure_message(execution)
    assert not harness.group("shop-web-v000").disabled
