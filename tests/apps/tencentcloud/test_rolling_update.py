"""In-place rollingUpdate through instance refresh on the sandbox."""

from __future__ import annotations

from typing import Any

from engine.status import Status
from tests.apps.tencentcloud.harness import Harness, failure_message
from tests.apps.tencentcloud.test_server_group_stages import seed, step


def images(harness: Harness, name: str) -> list[str]:
    found = [harness.cloud.instance(instance_id) for instance_id in harness.members(name)]
    return sorted(str(instance["ImageId"]) for instance in found if instance)


def update(**fields: Any) -> dict[str, Any]:
    return step("rollingUpdate", serverGroupName="shop-web-v000", **fields)


def test_rolling_update_pauses_after_the_first_batch_for_a_judgment(harness: Harness) -> None:
    seed(harness, "img-demo0001")
    execution_id = harness.start(
        [update(imageId="img-demo0002", batchSize=1, pauseAfterFirstBatch=True)]
    )

    paused = harness.run(execution_id, minutes=30)

    assert harness.stage(paused, "Continue the instance refresh?").status == Status.RUNNING
    assert images(harness, "shop-web-v000") == ["img-demo0001", "img-demo0002"]
    assert harness.stage(paused, "rollingUpdate").context["refreshStatus"] == "AUTO_PAUSE"

    harness.judge(execution_id, "Continue the instance refresh?")
    done = harness.run(execution_id)

    assert done.status == Status.SUCCEEDED, failure_message(done)
    assert images(harness, "shop-web-v000") == ["img-demo0002", "img-demo0002"]
    group = harness.group("shop-web-v000")
    assert group.scaling_enabled
    assert len(harness.serving("shop-web-v000")) == 2
    launch = harness.api.autoscaling(
        "DescribeLaunchConfigurations", {"LaunchConfigurationIds": [group.launch_configuration_id]}
    )["LaunchConfigurationSet"][0]
    assert launch["ImageId"] == "img-demo0002"


def test_stopping_at_the_judgment_rolls_the_first_batch_back(harness: Harness) -> None:
    seed(harness, "img-demo0001")
    execution_id = harness.start(
        [
            update(
                imageId="img-demo0002",
                batchSize=1,
                pauseAfterFirstBatch=True,
                onFailure="rollback",
            )
        ]
    )
    harness.run(execution_id, minutes=30)

    harness.judge(execution_id, "Continue the instance refresh?", "stop")
    done = harness.run(execution_id)

    assert done.status == Status.TERMINAL
    assert harness.stage(done, "Roll back the instance refresh").status == Status.SUCCEEDED
    assert images(harness, "shop-web-v000") == ["img-demo0001", "img-demo0001"]
    assert len(harness.serving("shop-web-v000")) == 2


def test_a_failing_batch_rolls_back_automatically_when_asked(harness: Harness) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(
        update(imageId="img-demobroken", batchNumber=2, onFailure="rollback")
    )

    assert execution.status == Status.TERMINAL
    assert "rolled back" in failure_message(execution)
    assert images(harness, "shop-web-v000") == ["img-demo0001", "img-demo0001"]
    assert len(harness.serving("shop-web-v000")) == 2


def test_a_failing_batch_pauses_the_refresh_by_default(harness: Harness) -> None:
    seed(harness, "img-demo0001")

    execution = harness.pipeline(update(imageId="img-demobroken", batchNumber=2))

    assert execution.status == Status.TERMINAL
    assert "paused after a failure" in failure_message(execution)
    refresh_id = harness.stage(execution, "rollingUpdate").context["refreshActivityId"]
    refresh = harness.api.autoscaling(
        "DescribeRefreshActivities", {"RefreshActivityIds": [refresh_id]}
    )["RefreshActivitySet"][0]
    assert refresh["Status"] == "FAILED_PAUSE"
    assert images(harness, "shop-web-v000") == ["img-demo0001", "img-demobroken"]
