"""Instance refresh through AutoscalingClient: batches, pauses, failures, cancel and rollback."""

from __future__ import annotations

from typing import Any

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from sandbox.tencentcloud import SandboxTencentCloud
from tests.sandbox.tencentcloud.calls import (
    LAUNCH,
    TERMINATE,
    UP,
    Api,
    create_group,
    create_lc,
    forward_lb,
    group,
    instances,
    targets,
)


def code_of(api: Api, action: str, **params: object) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        api(action, **params)
    return str(caught.value.code)


def settings(
    batches: int, *, pause: str = "AUTOMATIC", fail: str = "AUTO_PAUSE", check: bool = True
) -> dict[str, Any]:
    return {
        "RollingUpdateSettings": {"BatchNumber": batches, "BatchPause": pause, "FailProcess": fail},
        "CheckInstanceTargetHealth": check,
    }


class Fleet:
    """A healthy four-instance group on img-demo0001, bound to the demo CLB with weight 50."""

    def __init__(self, cloud: SandboxTencentCloud, asapi: Api, clbapi: Api) -> None:
        self.cloud, self.asapi, self.clbapi = cloud, asapi, clbapi
        self.lc = create_lc(asapi)
        self.group = create_group(asapi, self.lc, desired=4, lbs=[forward_lb(weight=50)])
        cloud.advance(UP)
        self.ids = [i["InstanceId"] for i in instances(asapi, self.group)]

    def new_image(self, image: str) -> None:
        self.asapi(
            "ModifyLaunchConfigurationAttributes", LaunchConfigurationId=self.lc, ImageId=image
        )

    def start(self, mode: str = "ROLLING_UPDATE_RESET", **kwargs: Any) -> str:
        return self.asapi(
            "StartInstanceRefresh",
            AutoScalingGroupId=self.group,
            RefreshMode=mode,
            RefreshSettings=settings(**kwargs),
        )["RefreshActivityId"]

    def activity(self, refresh_id: str) -> dict[str, Any]:
        found = self.asapi("DescribeRefreshActivities", RefreshActivityIds=[refresh_id])
        return found["RefreshActivitySet"][0]  # type: ignore[no-any-return]

    def batches(self, refresh_id: str) -> list[tuple[str, list[str]]]:
        return [
            (
                b["RefreshBatchStatus"],
                [i["InstanceStatus"] for i in b["RefreshBatchRelatedInstanceSet"]],
            )
            for b in self.activity(refresh_id)["RefreshBatchSet"]
        ]

    def images(self) -> list[str]:
        return [self.cloud.instance(i)["ImageId"] for i in self.ids]  # type: ignore[index]

    def weights(self) -> dict[str, int]:
        return {t["TargetId"]: t["Weight"] for t in targets(self.clbapi)}

    def call(self, action: str, refresh_id: str, **params: Any) -> dict[str, Any]:
        return self.asapi(
            action, AutoScalingGroupId=self.group, RefreshActivityId=refresh_id, **params
        )


@pytest.fixture
def fleet(cloud: SandboxTencentCloud, asapi: Api, clbapi: Api) -> Fleet:
    return Fleet(cloud, asapi, clbapi)


def test_first_batch_pause_then_resume_to_success(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(batches=2, pause="FIRST_BATCH_PAUSE")

    running = fleet.activity(refresh)
    assert (running["Status"], running["CurrentRefreshBatchNum"], running["ActivityType"]) == (
        "RUNNING",
        1,
        "NORMAL",
    )
    assert fleet.batches(refresh) == [("RUNNING", ["RUNNING"] * 2), ("WAITING", ["WAITING"] * 2)]
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "DISABLED"
    assert [fleet.weights()[i] for i in fleet.ids] == [0, 0, 50, 50]  # re-installing: no traffic

    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "AUTO_PAUSE"
    assert fleet.batches(refresh) == [
        ("SUCCESSFUL", ["SUCCESSFUL"] * 2),
        ("WAITING", ["WAITING"] * 2),
    ]
    assert fleet.images() == ["img-demo0002"] * 2 + ["img-demo0001"] * 2
    assert set(fleet.weights().values()) == {50}
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "DISABLED"  # paused still disables

    fleet.call("ResumeInstanceRefresh", refresh)
    assert fleet.activity(refresh)["Status"] == "RUNNING"
    fleet.cloud.advance(UP)
    done = fleet.activity(refresh)
    assert (done["Status"], done["CurrentRefreshBatchNum"]) == ("SUCCESSFUL", 2)
    assert done["EndTime"] is not None
    assert fleet.images() == ["img-demo0002"] * 4
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "ENABLED"


def test_batch_interval_pause_pauses_between_every_batch(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(batches=3, pause="BATCH_INTERVAL_PAUSE")
    statuses = []
    for _ in range(3):
        fleet.cloud.advance(UP)
        statuses.append(fleet.activity(refresh)["Status"])
        if statuses[-1] == "AUTO_PAUSE":
            fleet.call("ResumeInstanceRefresh", refresh)
    assert statuses == ["AUTO_PAUSE", "AUTO_PAUSE", "SUCCESSFUL"]
    assert [len(b[1]) for b in fleet.batches(refresh)] == [2, 1, 1]


def test_stop_lets_the_batch_finish_then_waits(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(batches=2)
    fleet.call("StopInstanceRefresh", refresh)
    assert fleet.activity(refresh)["Status"] == "MANUAL_PAUSE"
    fleet.cloud.advance(UP * 3)
    assert fleet.batches(refresh) == [
        ("SUCCESSFUL", ["SUCCESSFUL"] * 2),
        ("WAITING", ["WAITING"] * 2),
    ]
    assert fleet.activity(refresh)["Status"] == "MANUAL_PAUSE"
    assert (
        code_of(
            fleet.asapi,
            "StopInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshActivityId=refresh,
        )
        == "ResourceUnavailable.RefreshActivityStatusConflictWithOperation"
    )
    fleet.call("ResumeInstanceRefresh", refresh)
    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "SUCCESSFUL"


def test_a_broken_image_fails_the_batch_retry_fails_again_then_rollback_restores(
    fleet: Fleet,
) -> None:
    fleet.new_image("img-demobroken")
    refresh = fleet.start(batches=2)
    fleet.cloud.advance(UP)
    failed = fleet.activity(refresh)
    assert failed["Status"] == "FAILED_PAUSE"
    assert fleet.batches(refresh) == [("FAILED", ["FAILED"] * 2), ("WAITING", ["WAITING"] * 2)]
    message = failed["RefreshBatchSet"][0]["RefreshBatchRelatedInstanceSet"][0][
        "InstanceStatusMessage"
    ]
    assert "health check" in message
    assert "img-demobroken" in message
    assert [fleet.weights()[i] for i in fleet.ids] == [0, 0, 50, 50]  # failed ones keep weight 0

    fleet.call("ResumeInstanceRefresh", refresh, ResumeMode="RETRY")
    assert fleet.activity(refresh)["Status"] == "RUNNING"
    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "FAILED_PAUSE"

    rollback = fleet.asapi(
        "RollbackInstanceRefresh",
        AutoScalingGroupId=fleet.group,
        OriginRefreshActivityId=refresh,
        RefreshSettings=settings(1),
    )["RefreshActivityId"]
    origin = fleet.activity(refresh)
    assert origin["Status"] == "CANCELLED"
    assert fleet.batches(refresh)[1] == ("CANCELLED", ["CANCELLED"] * 2)
    back = fleet.activity(rollback)
    assert (back["ActivityType"], back["OriginRefreshActivityId"]) == ("ROLLBACK", refresh)
    assert [
        i["InstanceId"] for i in back["RefreshBatchSet"][0]["RefreshBatchRelatedInstanceSet"]
    ] == fleet.ids[:2]
    fleet.cloud.advance(UP)
    assert fleet.activity(rollback)["Status"] == "SUCCESSFUL"
    assert fleet.images() == ["img-demo0001"] * 4
    assert set(fleet.weights().values()) == {50}
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "ENABLED"
    assert code_of(
        fleet.asapi,
        "RollbackInstanceRefresh",
        AutoScalingGroupId=fleet.group,
        OriginRefreshActivityId=rollback,
        RefreshSettings=settings(1),
    ) == ("ResourceUnavailable.RollbackTypeActivityCanNotRollbackAgain")


def test_continue_skips_the_failed_instances(fleet: Fleet) -> None:
    fleet.new_image("img-demobroken")
    refresh = fleet.start(batches=2)
    fleet.cloud.advance(UP)
    fleet.call("ResumeInstanceRefresh", refresh, ResumeMode="CONTINUE")
    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "FAILED_PAUSE"  # batch 2 fails the same way
    fleet.call("ResumeInstanceRefresh", refresh, ResumeMode="CONTINUE")
    assert fleet.activity(refresh)["Status"] == "FAILED"


def test_auto_rollback_after_a_failed_batch(fleet: Fleet) -> None:
    fleet.new_image("img-demobroken")
    refresh = fleet.start(batches=2, fail="AUTO_ROLLBACK")
    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "FAILED"
    rollbacks = fleet.asapi(
        "DescribeRefreshActivities",
        Filters=[{"Name": "refresh-activity-type", "Values": ["ROLLBACK"]}],
    )["RefreshActivitySet"]
    (rollback,) = rollbacks
    assert rollback["OriginRefreshActivityId"] == refresh
    assert rollback["RefreshSettings"]["RollingUpdateSettings"]["BatchNumber"] == 2  # one per batch
    fleet.cloud.advance(UP * 2)
    assert fleet.activity(rollback["RefreshActivityId"])["Status"] == "SUCCESSFUL"
    assert fleet.images() == ["img-demo0001"] * 4


def test_auto_cancel_after_a_failed_batch(fleet: Fleet) -> None:
    fleet.new_image("img-demobroken")
    refresh = fleet.start(batches=2, fail="AUTO_CANCEL")
    fleet.cloud.advance(UP)
    assert fleet.activity(refresh)["Status"] == "CANCELLED"
    assert fleet.batches(refresh)[1] == ("CANCELLED", ["CANCELLED"] * 2)
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "ENABLED"


def test_without_target_health_checks_a_reinstall_is_enough(fleet: Fleet) -> None:
    fleet.new_image("img-demobroken")
    refresh = fleet.start(batches=1, check=False)
    fleet.cloud.advance(LAUNCH)
    assert fleet.activity(refresh)["Status"] == "SUCCESSFUL"


def test_cancel_is_refused_mid_batch_and_ends_a_paused_refresh(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(batches=2, pause="FIRST_BATCH_PAUSE")
    assert (
        code_of(
            fleet.asapi,
            "CancelInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshActivityId=refresh,
        )
        == "ResourceUnavailable.RefreshActivityStatusConflictWithOperation"
    )
    fleet.cloud.advance(UP)
    fleet.call("CancelInstanceRefresh", refresh)
    assert fleet.activity(refresh)["Status"] == "CANCELLED"
    assert fleet.batches(refresh)[1][0] == "CANCELLED"
    assert fleet.images() == ["img-demo0002"] * 2 + ["img-demo0001"] * 2
    assert group(fleet.asapi, fleet.group)["EnabledStatus"] == "ENABLED"
    assert (
        code_of(
            fleet.asapi,
            "ResumeInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshActivityId=refresh,
        )
        == "ResourceUnavailable.RefreshActivityStatusConflictWithOperation"
    )


def test_only_the_latest_successful_refresh_rolls_back(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    first = fleet.start(batches=1)
    fleet.cloud.advance(UP)
    fleet.new_image("img-demo0003")
    second = fleet.start(batches=2)
    fleet.cloud.advance(UP * 2)
    assert fleet.images() == ["img-demo0003"] * 4
    assert code_of(
        fleet.asapi,
        "RollbackInstanceRefresh",
        AutoScalingGroupId=fleet.group,
        OriginRefreshActivityId=first,
        RefreshSettings=settings(1),
    ) == ("ResourceUnavailable.RefreshActivityCanNotRollback")
    rollback = fleet.asapi(
        "RollbackInstanceRefresh",
        AutoScalingGroupId=fleet.group,
        OriginRefreshActivityId=second,
        RefreshSettings=settings(2),
    )["RefreshActivityId"]
    assert fleet.activity(second)["Status"] == "SUCCESSFUL"  # a finished origin stays as it was
    fleet.cloud.advance(UP * 2)
    assert fleet.activity(rollback)["Status"] == "SUCCESSFUL"
    assert fleet.images() == ["img-demo0002"] * 4


def test_start_checks(fleet: Fleet, asapi: Api) -> None:
    empty = create_group(asapi, create_lc(asapi, name="empty"), name="empty", desired=0)
    assert (
        code_of(
            asapi, "StartInstanceRefresh", AutoScalingGroupId=empty, RefreshSettings=settings(1)
        )
        == "ResourceUnavailable.NoInstanceCanRefresh"
    )
    assert (
        code_of(
            asapi,
            "StartInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshSettings=settings(5),
        )
        == "InvalidParameterValue.BatchNumberTooLarge"
    )
    assert (
        code_of(
            asapi,
            "StartInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshSettings={"CheckInstanceTargetHealth": True},
        )
        == "MissingParameter"
    )
    refresh = fleet.start(batches=2, pause="FIRST_BATCH_PAUSE")
    assert (
        code_of(
            asapi,
            "StartInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshSettings=settings(1),
        )
        == "ResourceUnavailable.AutoScalingGroupInRefreshActivity"
    )
    assert code_of(asapi, "EnableAutoScalingGroup", AutoScalingGroupId=fleet.group) == (
        "ResourceUnavailable.AutoScalingGroupInRefreshActivity"
    )
    assert (
        code_of(
            asapi,
            "ResumeInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            RefreshActivityId="asr-nothere1",
        )
        == "ResourceNotFound.RefreshActivityNotFound"
    )
    by_status = asapi(
        "DescribeRefreshActivities",
        Filters=[
            {"Name": "refresh-activity-status-code", "Values": ["RUNNING"]},
            {"Name": "auto-scaling-group-id", "Values": [fleet.group]},
        ],
    )
    assert [a["RefreshActivityId"] for a in by_status["RefreshActivitySet"]] == [refresh]


def test_replace_mode_launches_new_instances_batch_by_batch(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(mode="ROLLING_UPDATE_REPLACE", batches=2)
    assert len(instances(fleet.asapi, fleet.group)) == 6  # two replacements launching
    fleet.cloud.advance(UP)
    assert fleet.batches(refresh)[0] == ("SUCCESSFUL", ["SUCCESSFUL"] * 2)
    fleet.cloud.advance(TERMINATE + UP)
    assert fleet.activity(refresh)["Status"] == "SUCCESSFUL"
    fleet.cloud.advance(TERMINATE)
    now = instances(fleet.asapi, fleet.group)
    assert len(now) == 4
    assert not {i["InstanceId"] for i in now} & set(fleet.ids)
    assert {fleet.cloud.instance(i["InstanceId"])["ImageId"] for i in now} == {"img-demo0002"}  # type: ignore[index]
    assert set(fleet.weights()) == {i["InstanceId"] for i in now}
    related = fleet.activity(refresh)["RefreshBatchSet"][0]["RefreshBatchRelatedInstanceSet"]
    assert all(r["LastActivityId"].startswith("asa-") for r in related)
    assert (
        code_of(
            fleet.asapi,
            "RollbackInstanceRefresh",
            AutoScalingGroupId=fleet.group,
            OriginRefreshActivityId=refresh,
            RefreshSettings=settings(1),
        )
        == "UnsupportedOperation"
    )


def test_rollback_of_a_manually_paused_refresh_waits_for_the_batch_in_flight(fleet: Fleet) -> None:
    fleet.new_image("img-demo0002")
    refresh = fleet.start(batches=2)
    fleet.call("StopInstanceRefresh", refresh)
    rollback = fleet.asapi(
        "RollbackInstanceRefresh",
        AutoScalingGroupId=fleet.group,
        OriginRefreshActivityId=refresh,
        RefreshSettings=settings(1),
    )["RefreshActivityId"]
    assert fleet.activity(rollback)["Status"] == "INIT"
    assert fleet.batches(refresh)[0][0] == "RUNNING"  # the re-installs in flight go on
    fleet.cloud.advance(UP)
    assert fleet.batches(refresh)[0][0] == "SUCCESSFUL"
    assert fleet.activity(rollback)["Status"] == "RUNNING"
    fleet.cloud.advance(UP)
    assert fleet.activity(rollback)["Status"] == "SUCCESSFUL"
    assert fleet.images() == ["img-demo0001"] * 4
