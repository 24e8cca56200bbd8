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
    assert old.disabled
    assert not old.scaling_enabled
    assert harness.serving("shop-web-v000") == []
    assert len(harness.serving("shop-web-v001")) == 2
    assert not new.disabled
    assert harness.stage(execution, "Deploy").outputs["deploy.server.groups"] == {
        REGION: ["shop-web-v001"]
    }


def test_broken_image_leaves_the_old_group_serving_and_the_new_one_disabled(
    harness: Harness,
) -> None:
    assert harness.pipeline(deploy()).status == Status.SUCCEEDED

    execution = harness.pipeline(deploy(imageId="img-demobroken"))

    assert execution.status == Status.TERMINAL
    assert "shop-web-v001 did not become healthy" in failure_message(execution)
    assert "img-demobroken" in failure_message(execution)
    assert len(harness.serving("shop-web-v000")) == 2
    assert not harness.group("shop-web-v000").disabled
    broken = harness.group("shop-web-v001")
    assert broken.disabled
    assert not broken.scaling_enabled
    assert harness.stage(execution, "Disable shop-web-v001").status == Status.SUCCEEDED


def test_red_black_keeps_max_remaining_asgs_and_scales_down_the_old_group(
    harness: Harness,
) -> None:
    for image in ("img-demo0001", "img-demo0002"):
        assert harness.pipeline(deploy(imageId=image)).status == Status.SUCCEEDED

    execution = harness.pipeline(
        deploy(imageId="img-demo0003", maxRemainingAsgs=2, scaleDown=True, delayBeforeDisableSec=30)
    )

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    groups = harness.groups("shop-web")
    assert sorted(groups) == ["shop-web-v001", "shop-web-v002"]
    assert harness.stage(execution, "Wait Before Disable").status == Status.SUCCEEDED
    previous = groups["shop-web-v001"]
    assert previous.disabled
    assert previous.capacity.desired == 0
    assert harness.members("shop-web-v001") == []
    assert len(harness.serving("shop-web-v002")) == 2


def test_highlander_destroys_every_older_group(harness: Harness) -> None:
    for image in ("img-demo0001", "img-demo0002"):
        assert harness.pipeline(deploy(imageId=image)).status == Status.SUCCEEDED

    execution = harness.pipeline(deploy(imageId="img-demo0003", strategy="highlander"))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert sorted(harness.groups("shop-web")) == ["shop-web-v002"]
    launch_configurations = harness.api.autoscaling("DescribeLaunchConfigurations", {})
    names = [
        lc["LaunchConfigurationName"] for lc in launch_configurations["LaunchConfigurationSet"]
    ]
    assert [name for name in names if name.startswith("shop-web-v00")] == [
        name for name in names if name.startswith("shop-web-v002")
    ]


def test_none_strategy_leaves_the_old_group_alone(harness: Harness) -> None:
    assert harness.pipeline(deploy(strategy="none")).status == Status.SUCCEEDED

    execution = harness.pipeline(deploy(strategy="none", imageId="img-demo0002"))

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert len(harness.serving("shop-web-v000")) == 2
    assert len(harness.serving("shop-web-v001")) == 2


def test_rolling_red_black_grows_in_steps_and_waits_for_a_judgment_between_them(
    harness: Harness,
) -> None:
    assert harness.pipeline(deploy(capacity={"min": 2, "max": 4, "desired": 4})).status == (
        Status.SUCCEEDED
    )
    execution_id = harness.start(
        [
            deploy(
                imageId="img-demo0002",
                strategy="rollingredblack",
                targetPercentages=[50],
                judgmentBetweenSteps=True,
                capacity=None,
            )
        ]
    )

    paused = harness.run(execution_id, minutes=30)

    assert paused.status == Status.RUNNING
    assert harness.stage(paused, "Continue after 50%?").status == Status.RUNNING
    new = harness.group("shop-web-v001")
    assert (new.capacity.min, new.capacity.desired, new.capacity.max) == (2, 2, 2)
    assert len(harness.serving("shop-web-v001")) == 2
    assert len(harness.serving("shop-web-v000")) == 4  # nothing taken away before the judgment

    harness.judge(execution_id, "Continue after 50%?")
    done = harness.run(execution_id)

    assert done.status == Status.SUCCEEDED, failure_message(done)
    assert harness.stage(done, "Disable 50% of Traffic on shop-web-v000").status == Status.SUCCEEDED
    assert harness.group("shop-web-v001").capacity.desired == 4
    assert len(harness.serving("shop-web-v001")) == 4
    assert harness.serving("shop-web-v000") == []
    assert harness.group("shop-web-v000").disabled


def test_rolling_red_black_takes_a_share_of_old_traffic_at_each_step(harness: Harness) -> None:
    assert harness.pipeline(deploy(capacity={"min": 2, "max": 4, "desired": 4})).status == (
        Status.SUCCEEDED
    )
    execution_id = harness.start(
        [
            deploy(
                imageId="img-demo0002",
                strategy="rollingredblack",
                targetPercentages=[50, 100],
                judgmentBetweenSteps=True,
            )
        ]
    )
    harness.run(execution_id, minutes=30)
    harness.judge(execution_id, "Continue after 50%?")
    moving = harness.run(execution_id, minutes=0.1)
    # After the judgment, half of the old group's instances leave the rotation, then it grows.
    assert harness.stage(moving, "Grow to 100% of Desired Size").status == Status.RUNNING
    weights = harness.weights("shop-web-v000")
    assert sorted(w[0] for w in weights.values()) == [0, 0, 10, 10]
    assert len(harness.serving("shop-web-v000")) == 2

    done = harness.run(execution_id)
    assert done.status == Status.SUCCEEDED, failure_message(done)
    assert harness.serving("shop-web-v000") == []


def test_rolling_red_black_with_a_broken_image_gives_the_old_group_its_traffic_back(
    harness: Harness,
) -> None:
    assert harness.pipeline(deploy(capacity={"min": 2, "max": 4, "desired": 4})).status == (
        Status.SUCCEEDED
    )

    execution = harness.pipeline(
        deploy(imageId="img-demobroken", strategy="rollingredblack", targetPercentages=[50])
    )

    assert execution.status == Status.TERMINAL
    assert harness.stage(execution, "Restore traffic to shop-web-v000").status == Status.SUCCEEDED
    assert len(harness.serving("shop-web-v000")) == 4
    assert harness.group("shop-web-v001").disabled


def test_a_deploy_to_several_regions_reports_every_group(harness: Harness) -> None:
    stage = deploy(regions=[REGION, "ap-shanghai"])
    del stage["region"]

    execution = harness.pipeline(stage)

    assert execution.status == Status.SUCCEEDED, failure_message(execution)
    assert harness.stage(execution, "Deploy").outputs["deploy.server.groups"] == {
        REGION: ["shop-web-v000"],
        "ap-shanghai": ["shop-web-v000"],
    }
    creates = [s for s in execution.stages if s.type == "createServerGroup"]
    assert sorted(s.context.get("region") for s in creates if s.tasks) == [REGION, "ap-shanghai"]
