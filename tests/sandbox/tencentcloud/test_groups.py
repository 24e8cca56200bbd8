"""Scaling groups through AutoscalingClient, with simulated time moved by advance()."""

from __future__ import annotations

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from sandbox.tencentcloud import DEFAULT_LOAD_BALANCER, SandboxTencentCloud
from tests.sandbox.tencentcloud.calls import (
    HEALTH,
    LAUNCH,
    TERMINATE,
    UP,
    Api,
    activities,
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


def test_full_lifecycle_with_a_clb(cloud: SandboxTencentCloud, asapi: Api, clbapi: Api) -> None:
    lc_id = create_lc(asapi)
    group_id = create_group(
        asapi,
        lc_id,
        desired=2,
        lbs=[forward_lb(weight=40)],
        Tags=[{"Key": "moniker", "Value": "app-prod-v000"}],
    )

    # Launching: an activity runs and the instances are CREATING.
    created = group(asapi, group_id)
    assert (
        created["InActivityStatus"],
        created["InstanceCount"],
        created["InServiceInstanceCount"],
    ) == ("IN_ACTIVITY", 2, 0)
    assert {i["LifeCycleState"] for i in instances(asapi, group_id)} == {"CREATING"}
    assert targets(clbapi) == []

    # Booted: IN_SERVICE and bound to the CLB with the group's weight, not yet healthy.
    cloud.advance(LAUNCH)
    assert {
        (i["LifeCycleState"], i["HealthStatus"], i["WarmupStatus"])
        for i in instances(asapi, group_id)
    } == {("IN_SERVICE", "CLB_UNHEALTHY", "IN_WARMUP")}
    assert [(t["Weight"], t["HealthStatus"], t["HealthStatusDetail"]) for t in targets(clbapi)] == [
        (40, False, "Unknown"),
        (40, False, "Unknown"),
    ]

    # Healthy: the health check passed, the CLB reports Alive, the activity succeeded.
    cloud.advance(HEALTH)
    assert {i["HealthStatus"] for i in instances(asapi, group_id)} == {"HEALTHY"}
    assert {t["HealthStatus"] for t in targets(clbapi)} == {True}
    (launch,) = activities(asapi, group_id)
    assert (launch["ActivityType"], launch["StatusCode"]) == ("SCALE_OUT", "SUCCESSFUL")
    ready = group(asapi, group_id)
    assert (ready["InActivityStatus"], ready["InServiceInstanceCount"]) == ("NOT_IN_ACTIVITY", 2)

    # Scale out to 3, then in to 1: the oldest instances leave and are deregistered at once.
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=3)
    cloud.advance(UP)
    assert len(targets(clbapi)) == 3
    ids = [i["InstanceId"] for i in instances(asapi, group_id)]
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=1)
    assert {
        i["InstanceId"] for i in instances(asapi, group_id) if i["LifeCycleState"] == "TERMINATING"
    } == set(ids[:2])
    assert [t["TargetId"] for t in targets(clbapi)] == [ids[2]]
    cloud.advance(TERMINATE)
    assert [i["InstanceId"] for i in instances(asapi, group_id)] == [ids[2]]
    latest = activities(asapi, group_id)[0]
    assert (latest["ActivityType"], latest["StatusCode"]) == ("SCALE_IN", "SUCCESSFUL")

    # Disabled: a new desired capacity is recorded but nothing scales.
    asapi("DisableAutoScalingGroup", AutoScalingGroupId=group_id)
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=0)
    cloud.advance(UP)
    disabled = group(asapi, group_id)
    assert (disabled["EnabledStatus"], disabled["DesiredCapacity"], disabled["InstanceCount"]) == (
        "DISABLED",
        0,
        1,
    )
    assert code_of(asapi, "DeleteAutoScalingGroup", AutoScalingGroupId=group_id) == (
        "ResourceInUse.InstanceInGroup"
    )

    # Enabled again it scales in to 0, and then it can be deleted.
    asapi("EnableAutoScalingGroup", AutoScalingGroupId=group_id)
    cloud.advance(TERMINATE)
    assert targets(clbapi) == []
    asapi("DeleteAutoScalingGroup", AutoScalingGroupId=group_id)
    assert asapi("DescribeAutoScalingGroups", AutoScalingGroupIds=[group_id])["TotalCount"] == 0


def test_a_broken_image_never_becomes_healthy(
    cloud: SandboxTencentCloud, asapi: Api, clbapi: Api
) -> None:
    lc_id = create_lc(asapi, image="img-demobroken")
    group_id = create_group(asapi, lc_id, desired=2, lbs=[forward_lb()])
    cloud.advance(UP * 10)
    assert {
        (i["LifeCycleState"], i["HealthStatus"], i["WarmupStatus"])
        for i in instances(asapi, group_id)
    } == {("IN_SERVICE", "CLB_UNHEALTHY", "AFTER_WARMUP")}
    assert {(t["HealthStatus"], t["HealthStatusDetail"]) for t in targets(clbapi)} == {
        (False, "Dead")
    }
    (launch,) = activities(asapi, group_id)
    assert launch["StatusCode"] == "FAILED"
    assert "img-demobroken" in launch["StatusMessage"]
    assert "health check" in launch["StatusMessage"]
    assert {d["InstanceId"] for d in launch["DetailedStatusMessageSet"]} == {
        i["InstanceId"] for i in instances(asapi, group_id)
    }
    assert {i["InstanceStatus"] for i in launch["ActivityRelatedInstanceSet"]} == {"FAILED"}


def test_describe_groups_filters_by_tag_and_name_and_paginates(asapi: Api) -> None:
    lc_id = create_lc(asapi)
    a = create_group(
        asapi,
        lc_id,
        name="web-prod-v000",
        desired=0,
        Tags=[{"Key": "moniker", "Value": "web-prod"}],
    )
    b = create_group(
        asapi,
        lc_id,
        name="web-prod-v001",
        desired=0,
        Tags=[{"Key": "moniker", "Value": "web-prod"}],
    )
    create_group(
        asapi,
        lc_id,
        name="api-prod-v000",
        desired=0,
        Tags=[{"Key": "moniker", "Value": "api-prod"}],
    )

    def ids(**params: object) -> list[str]:
        return [
            g["AutoScalingGroupId"]
            for g in asapi("DescribeAutoScalingGroups", **params)["AutoScalingGroupSet"]
        ]

    assert set(ids(Filters=[{"Name": "tag:moniker", "Values": ["web-prod"]}])) == {a, b}
    assert ids(Filters=[{"Name": "auto-scaling-group-name", "Values": ["web-prod-v001"]}]) == [b]
    assert set(ids(Filters=[{"Name": "vague-auto-scaling-group-name", "Values": ["web-"]}])) == {
        a,
        b,
    }
    assert ids(
        Filters=[
            {"Name": "tag-key", "Values": ["moniker"]},
            {"Name": "auto-scaling-group-name", "Values": ["web-prod-v000"]},
        ]
    ) == [a]
    first = asapi("DescribeAutoScalingGroups", Limit=2)
    second = asapi("DescribeAutoScalingGroups", Limit=2, Offset=2)
    assert first["TotalCount"] == 3
    assert len(first["AutoScalingGroupSet"]) == 2
    assert len(second["AutoScalingGroupSet"]) == 1


def test_modify_group_changes_sizes_and_launch_configuration(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    lc1 = create_lc(asapi, name="v1")
    lc2 = create_lc(asapi, name="v2", image="img-demo0002")
    group_id = create_group(asapi, lc1, desired=1)
    cloud.advance(UP)
    asapi(
        "ModifyAutoScalingGroup",
        AutoScalingGroupId=group_id,
        LaunchConfigurationId=lc2,
        MaxSize=4,
        DesiredCapacity=2,
        TerminationPolicies=["NEWEST_INSTANCE"],
        ServiceSettings={"ReplaceMonitorUnhealthy": True},
    )
    cloud.advance(UP)
    modified = group(asapi, group_id)
    assert (
        modified["LaunchConfigurationId"],
        modified["MaxSize"],
        modified["InServiceInstanceCount"],
    ) == (lc2, 4, 2)
    assert modified["ServiceSettings"]["ReplaceMonitorUnhealthy"] is True
    assert sorted(i["LaunchConfigurationId"] for i in instances(asapi, group_id)) == sorted(
        [lc1, lc2]
    )
    # NEWEST_INSTANCE: scaling in removes the one launched from v2.
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=1)
    cloud.advance(TERMINATE)
    assert [i["LaunchConfigurationId"] for i in instances(asapi, group_id)] == [lc1]


def test_size_rules_and_references_are_checked(asapi: Api) -> None:
    lc_id = create_lc(asapi)
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=3,
        MaxSize=2,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-sandbox1"],
    ) == ("InvalidParameterValue.Size")
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=0,
        MaxSize=3000,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-sandbox1"],
    ) == ("LimitExceeded.MaxSizeLimitExceeded")
    assert (
        code_of(
            asapi,
            "CreateAutoScalingGroup",
            AutoScalingGroupName="g",
            LaunchConfigurationId="asc-nothere1",
            MinSize=0,
            MaxSize=1,
            VpcId="vpc-sandbox1",
            SubnetIds=["subnet-sandbox1"],
        )
        == "InvalidParameterValue.LaunchConfigurationNotFound"
    )
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=0,
        MaxSize=1,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-nothere"],
    ) == ("InvalidParameterValue.InvalidSubnetId")
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=0,
        MaxSize=1,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-sandbox1"],
        ForwardLoadBalancers=[{**forward_lb(), "LoadBalancerId": "lb-nothere1"}],
    ) == ("ResourceNotFound.LoadBalancerNotFound")
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=0,
        MaxSize=1,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-sandbox1"],
        ForwardLoadBalancers=[{**forward_lb(), "LocationId": "loc-nothere1"}],
    ) == ("ResourceNotFound.LocationNotFound")
    group_id = create_group(asapi, lc_id, name="g", desired=0)
    assert code_of(
        asapi,
        "CreateAutoScalingGroup",
        AutoScalingGroupName="g",
        LaunchConfigurationId=lc_id,
        MinSize=0,
        MaxSize=1,
        VpcId="vpc-sandbox1",
        SubnetIds=["subnet-sandbox1"],
    ) == ("InvalidParameterValue.GroupNameDuplicated")
    assert code_of(
        asapi, "ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=11
    ) == ("InvalidParameterValue.Size")
    assert code_of(
        asapi, "ModifyDesiredCapacity", AutoScalingGroupId="asg-nothere1", DesiredCapacity=1
    ) == ("ResourceNotFound.AutoScalingGroupNotFound")
    assert code_of(
        asapi, "ModifyDesiredCapacity", AutoScalingGroupId="nothere", DesiredCapacity=1
    ) == ("InvalidParameterValue.InvalidAutoScalingGroupId")
    assert asapi("DescribeAutoScalingGroups")["TotalCount"] == 1


def test_delete_refuses_during_an_activity(cloud: SandboxTencentCloud, asapi: Api) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=1)
    assert code_of(asapi, "DeleteAutoScalingGroup", AutoScalingGroupId=group_id) == (
        "ResourceInUse.ActivityInProgress"
    )


def test_remove_and_detach_instances_lower_the_desired_capacity(
    cloud: SandboxTencentCloud, asapi: Api, clbapi: Api
) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=3, lbs=[forward_lb()])
    cloud.advance(UP)
    first, second, third = (i["InstanceId"] for i in instances(asapi, group_id))
    removal = asapi("RemoveInstances", AutoScalingGroupId=group_id, InstanceIds=[first])
    assert code_of(asapi, "DetachInstances", AutoScalingGroupId=group_id, InstanceIds=[second]) == (
        "ResourceUnavailable.AutoScalingGroupInActivity"
    )
    cloud.advance(TERMINATE)
    detach = asapi("DetachInstances", AutoScalingGroupId=group_id, InstanceIds=[second])
    cloud.advance(TERMINATE)
    assert [i["InstanceId"] for i in instances(asapi, group_id)] == [third]
    assert group(asapi, group_id)["DesiredCapacity"] == 1
    assert [t["TargetId"] for t in targets(clbapi)] == [third]
    kinds = {a["ActivityId"]: a["ActivityType"] for a in activities(asapi, group_id)}
    assert kinds[removal["ActivityId"]] == "REMOVE_INSTANCES"
    assert kinds[detach["ActivityId"]] == "DETACH_INSTANCES"
    assert code_of(
        asapi, "RemoveInstances", AutoScalingGroupId=group_id, InstanceIds=["ins-nothere1"]
    ) == ("ResourceNotFound.InstancesNotFound")


def test_min_size_guards_removal_unless_the_group_is_disabled(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    lc_id = create_lc(asapi)
    group_id = create_group(asapi, lc_id, desired=1, MinSize=1)
    cloud.advance(UP)
    (only,) = (i["InstanceId"] for i in instances(asapi, group_id))
    assert code_of(asapi, "RemoveInstances", AutoScalingGroupId=group_id, InstanceIds=[only]) == (
        "ResourceInsufficient.InServiceInstanceBelowMinSize"
    )
    asapi("DisableAutoScalingGroup", AutoScalingGroupId=group_id)
    asapi("RemoveInstances", AutoScalingGroupId=group_id, InstanceIds=[only])
    cloud.advance(TERMINATE)
    assert instances(asapi, group_id) == []


def test_scale_out_and_in_by_number_work_on_a_disabled_group(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=0)
    asapi("DisableAutoScalingGroup", AutoScalingGroupId=group_id)
    out = asapi("ScaleOutInstances", AutoScalingGroupId=group_id, ScaleOutNumber=2)
    cloud.advance(UP)
    assert group(asapi, group_id)["InServiceInstanceCount"] == 2
    scale_in = asapi("ScaleInInstances", AutoScalingGroupId=group_id, ScaleInNumber=1)
    cloud.advance(TERMINATE)
    assert group(asapi, group_id)["InstanceCount"] == 1
    statuses = {a["ActivityId"]: a["StatusCode"] for a in activities(asapi, group_id)}
    assert statuses == {out["ActivityId"]: "SUCCESSFUL", scale_in["ActivityId"]: "SUCCESSFUL"}
    assert code_of(asapi, "ScaleOutInstances", AutoScalingGroupId=group_id, ScaleOutNumber=20) == (
        "ResourceInsufficient.AutoScalingGroupAboveMaxSize"
    )


def test_equality_policy_spreads_instances_over_subnets(
    cloud: SandboxTencentCloud, asapi: Api
) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=4, MultiZoneSubnetPolicy="EQUALITY")
    zones = [i["Zone"] for i in instances(asapi, group_id)]
    assert sorted(zones) == ["ap-guangzhou-1", "ap-guangzhou-1", "ap-guangzhou-2", "ap-guangzhou-2"]


def test_last_activities_and_activity_filters(cloud: SandboxTencentCloud, asapi: Api) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=1)
    cloud.advance(UP)
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=group_id, DesiredCapacity=0)
    last = asapi("DescribeAutoScalingGroupLastActivities", AutoScalingGroupIds=[group_id])[
        "ActivitySet"
    ]
    assert [a["ActivityType"] for a in last] == ["SCALE_IN"]
    outs = asapi(
        "DescribeAutoScalingActivities",
        Filters=[{"Name": "activity-type", "Values": ["SCALE_OUT"]}],
    )["ActivitySet"]
    assert [a["StatusCode"] for a in outs] == ["SUCCESSFUL"]
    assert outs[0]["EndTime"] is not None


def test_groups_are_regional(cloud: SandboxTencentCloud, asapi: Api) -> None:
    from tests.sandbox.tencentcloud.calls import make_as

    create_group(asapi, create_lc(asapi), desired=0)
    shanghai = make_as(cloud, region="ap-shanghai")
    assert shanghai("DescribeAutoScalingGroups")["TotalCount"] == 0
    assert asapi("DescribeAutoScalingGroups")["TotalCount"] == 1
    assert DEFAULT_LOAD_BALANCER  # the default CLB exists in every region
