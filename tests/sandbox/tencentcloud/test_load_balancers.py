"""A scaling group's CLB bindings (AutoscalingClient) as seen from the CLB side (ClbClient)."""

from __future__ import annotations

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from sandbox.tencentcloud import (
    DEFAULT_HTTP_LISTENER,
    DEFAULT_LOAD_BALANCER,
    DEFAULT_TCP_LISTENER,
    SandboxTencentCloud,
)
from tests.sandbox.tencentcloud.calls import (
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

TCP_BINDING = {
    "LoadBalancerId": DEFAULT_LOAD_BALANCER,
    "ListenerId": DEFAULT_TCP_LISTENER,
    "TargetAttributes": [{"Port": 8080, "Weight": 10}],
}


def code_of(api: Api, action: str, **params: object) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        api(action, **params)
    return str(caught.value.code)


def tcp_targets(clbapi: Api) -> list[tuple[str, int, int]]:
    listeners = clbapi(
        "DescribeTargets", LoadBalancerId=DEFAULT_LOAD_BALANCER, ListenerIds=[DEFAULT_TCP_LISTENER]
    )["Listeners"]
    return sorted((t["InstanceId"], t["Port"], t["Weight"]) for t in listeners[0]["Targets"])


@pytest.fixture
def running(cloud: SandboxTencentCloud, asapi: Api) -> str:
    """A healthy two-instance group bound to the HTTP rule with weight 50."""
    group_id = create_group(asapi, create_lc(asapi), desired=2, lbs=[forward_lb(weight=50)])
    cloud.advance(UP)
    return group_id


def test_attach_binds_running_instances_and_detach_unbinds(
    running: str, asapi: Api, clbapi: Api
) -> None:
    ids = sorted(i["InstanceId"] for i in instances(asapi, running))
    attach = asapi(
        "AttachLoadBalancers", AutoScalingGroupId=running, ForwardLoadBalancers=[TCP_BINDING]
    )
    assert tcp_targets(clbapi) == [(i, 8080, 10) for i in ids]
    assert len(group(asapi, running)["ForwardLoadBalancerSet"]) == 2
    assert (
        code_of(
            asapi,
            "AttachLoadBalancers",
            AutoScalingGroupId=running,
            ForwardLoadBalancers=[TCP_BINDING],
        )
        == "InvalidParameterValue.DuplicatedForwardLb"
    )

    detach = asapi(
        "DetachLoadBalancers",
        AutoScalingGroupId=running,
        ForwardLoadBalancerIdentifications=[
            {"LoadBalancerId": DEFAULT_LOAD_BALANCER, "ListenerId": DEFAULT_TCP_LISTENER}
        ],
    )
    assert tcp_targets(clbapi) == []
    assert len(targets(clbapi)) == 2  # the HTTP binding is untouched
    kinds = {
        a["ActivityId"]: (a["ActivityType"], a["StatusCode"]) for a in activities(asapi, running)
    }
    assert kinds[attach["ActivityId"]] == ("ATTACH_LB", "SUCCESSFUL")
    assert kinds[detach["ActivityId"]] == ("DETACH_LB", "SUCCESSFUL")
    assert code_of(
        asapi,
        "DetachLoadBalancers",
        AutoScalingGroupId=running,
        ForwardLoadBalancerIdentifications=[
            {"LoadBalancerId": DEFAULT_LOAD_BALANCER, "ListenerId": DEFAULT_TCP_LISTENER}
        ],
    ) == ("ResourceNotFound.LoadBalancerNotInAutoScalingGroup")


def test_target_attributes_shift_weights(running: str, asapi: Api, clbapi: Api) -> None:
    asapi(
        "ModifyLoadBalancerTargetAttributes",
        AutoScalingGroupId=running,
        ForwardLoadBalancers=[forward_lb(weight=0)],
    )
    assert {t["Weight"] for t in targets(clbapi)} == {0}
    assert group(asapi, running)["ForwardLoadBalancerSet"][0]["TargetAttributes"] == [
        {"Port": 80, "Weight": 0}
    ]
    asapi(
        "ModifyLoadBalancerTargetAttributes",
        AutoScalingGroupId=running,
        ForwardLoadBalancers=[forward_lb(weight=100, port=8000)],
    )
    assert {(t["Port"], t["Weight"]) for t in targets(clbapi)} == {(8000, 100)}
    assert (
        code_of(
            asapi,
            "ModifyLoadBalancerTargetAttributes",
            AutoScalingGroupId=running,
            ForwardLoadBalancers=[TCP_BINDING],
        )
        == "ResourceNotFound.LoadBalancerNotInAutoScalingGroup"
    )


def test_modify_load_balancers_overwrites_the_list(running: str, asapi: Api, clbapi: Api) -> None:
    asapi("ModifyLoadBalancers", AutoScalingGroupId=running, ForwardLoadBalancers=[TCP_BINDING])
    assert targets(clbapi) == []
    assert len(tcp_targets(clbapi)) == 2
    asapi("ModifyLoadBalancers", AutoScalingGroupId=running)
    assert tcp_targets(clbapi) == []
    assert group(asapi, running)["ForwardLoadBalancerSet"] == []


def test_new_instances_join_with_the_configured_weight(
    cloud: SandboxTencentCloud, running: str, asapi: Api, clbapi: Api
) -> None:
    asapi(
        "ModifyLoadBalancerTargetAttributes",
        AutoScalingGroupId=running,
        ForwardLoadBalancers=[forward_lb(weight=7)],
    )
    asapi("ModifyDesiredCapacity", AutoScalingGroupId=running, DesiredCapacity=3)
    cloud.advance(UP)
    assert sorted(t["Weight"] for t in targets(clbapi)) == [7, 7, 7]


def test_binding_checks(asapi: Api) -> None:
    group_id = create_group(asapi, create_lc(asapi), desired=0)
    layer7_without_location = {
        "LoadBalancerId": DEFAULT_LOAD_BALANCER,
        "ListenerId": DEFAULT_HTTP_LISTENER,
        "TargetAttributes": [{"Port": 80, "Weight": 10}],
    }
    assert (
        code_of(
            asapi,
            "AttachLoadBalancers",
            AutoScalingGroupId=group_id,
            ForwardLoadBalancers=[layer7_without_location],
        )
        == "MissingParameter.InScenario"
    )
    assert code_of(
        asapi,
        "AttachLoadBalancers",
        AutoScalingGroupId=group_id,
        ForwardLoadBalancers=[{**TCP_BINDING, "ListenerId": "lbl-nothere1"}],
    ) == ("ResourceNotFound.ListenerNotFound")
    assert code_of(
        asapi,
        "AttachLoadBalancers",
        AutoScalingGroupId=group_id,
        ForwardLoadBalancers=[{**TCP_BINDING, "TargetAttributes": [{"Port": 1, "Weight": 101}]}],
    ) == ("InvalidParameterValue.Range")
    assert (
        code_of(
            asapi,
            "AttachLoadBalancers",
            AutoScalingGroupId=group_id,
            LoadBalancerIds=[DEFAULT_LOAD_BALANCER],
        )
        == "InvalidParameterValue.ClassicLb"
    )
    assert (
        code_of(asapi, "AttachLoadBalancers", AutoScalingGroupId=group_id)
        == "InvalidParameter.MustOneParameter"
    )


def test_a_clb_in_another_vpc_is_refused(cloud: SandboxTencentCloud, asapi: Api) -> None:
    cloud.add_vpc("vpc-other001", cidr="10.9.0.0/16", regions=["ap-guangzhou"])
    other = cloud.add_load_balancer(region="ap-guangzhou", vpc_id="vpc-other001")
    listener = cloud.add_listener(other, protocol="TCP", port=9000, region="ap-guangzhou")
    group_id = create_group(asapi, create_lc(asapi), desired=0)
    assert (
        code_of(
            asapi,
            "AttachLoadBalancers",
            AutoScalingGroupId=group_id,
            ForwardLoadBalancers=[
                {
                    "LoadBalancerId": other,
                    "ListenerId": listener,
                    "TargetAttributes": [{"Port": 9000, "Weight": 10}],
                }
            ],
        )
        == "ResourceUnavailable.LbVpcInconsistent"
    )


def test_deleting_the_clb_marks_the_group_abnormal(running: str, asapi: Api, clbapi: Api) -> None:
    clbapi("DeleteLoadBalancer", LoadBalancerIds=[DEFAULT_LOAD_BALANCER])
    assert group(asapi, running)["AutoScalingGroupStatus"] == "LB_ABNORMAL"
