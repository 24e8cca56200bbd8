"""CLB through ClbClient: build a CLB, bind backends, shift weights, read health and tasks."""

from __future__ import annotations

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from sandbox.tencentcloud import DEFAULT_LOAD_BALANCER, DEFAULT_VPC, SandboxTencentCloud
from tests.sandbox.tencentcloud.calls import UP, Api, create_group, create_lc, instances


def code_of(api: Api, action: str, **params: object) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        api(action, **params)
    return str(caught.value.code)


@pytest.fixture
def built(clbapi: Api) -> dict[str, str]:
    """A CLB made entirely through the SDK: an HTTP listener with one rule and a TCP listener."""
    created = clbapi(
        "CreateLoadBalancer",
        LoadBalancerType="OPEN",
        LoadBalancerName="web",
        VpcId=DEFAULT_VPC,
        Tags=[{"TagKey": "team", "TagValue": "web"}],
    )
    (lb_id,) = created["LoadBalancerIds"]
    http, tcp = (
        clbapi(
            "CreateListener",
            LoadBalancerId=lb_id,
            Ports=[port],
            Protocol=protocol,
            ListenerNames=[name],
        )["ListenerIds"][0]
        for port, protocol, name in ((80, "HTTP", "http"), (9000, "TCP", "tcp"))
    )
    (location,) = clbapi(
        "CreateRule",
        LoadBalancerId=lb_id,
        ListenerId=http,
        Rules=[{"Domain": "web.example.com", "Url": "/"}],
    )["LocationIds"]
    return {
        "lb": lb_id,
        "http": http,
        "tcp": tcp,
        "location": location,
        "deal": created["DealName"],
    }


@pytest.fixture
def two_instances(cloud: SandboxTencentCloud, asapi: Api) -> list[str]:
    group_id = create_group(asapi, create_lc(asapi), desired=2)
    cloud.advance(UP)
    return [i["InstanceId"] for i in instances(asapi, group_id)]


def test_created_clb_is_described(clbapi: Api, built: dict[str, str]) -> None:
    found = clbapi(
        "DescribeLoadBalancers", LoadBalancerIds=[built["lb"]], AdditionalFields=["TargetCount"]
    )
    (lb,) = found["LoadBalancerSet"]
    assert (lb["LoadBalancerName"], lb["LoadBalancerType"], lb["Forward"], lb["VpcId"]) == (
        "web",
        "OPEN",
        1,
        DEFAULT_VPC,
    )
    assert lb["Tags"] == [{"TagKey": "team", "TagValue": "web"}]
    assert lb["TargetCount"] == 0
    by_tag = clbapi("DescribeLoadBalancers", Filters=[{"Name": "tag:team", "Values": ["web"]}])
    assert [x["LoadBalancerId"] for x in by_tag["LoadBalancerSet"]] == [built["lb"]]
    assert clbapi("DescribeLoadBalancers")["TotalCount"] == 2  # with the seeded demo CLB
    listeners = clbapi("DescribeListeners", LoadBalancerId=built["lb"])["Listeners"]
    assert {(x["Protocol"], x["Port"], x["ListenerName"]) for x in listeners} == {
        ("HTTP", 80, "http"),
        ("TCP", 9000, "tcp"),
    }
    (http,) = [x for x in listeners if x["Protocol"] == "HTTP"]
    assert [(r["LocationId"], r["Domain"], r["Url"]) for r in http["Rules"]] == [
        (built["location"], "web.example.com", "/")
    ]
    assert clbapi("DescribeTaskStatus", DealName=built["deal"])["LoadBalancerIds"] == [built["lb"]]


def test_register_modify_weight_and_deregister(
    clbapi: Api, built: dict[str, str], two_instances: list[str]
) -> None:
    first, second = two_instances
    task = clbapi(
        "RegisterTargets",
        LoadBalancerId=built["lb"],
        ListenerId=built["http"],
        LocationId=built["location"],
        Targets=[
            {"InstanceId": first, "Port": 8080},
            {"InstanceId": second, "Port": 8080, "Weight": 30},
        ],
    )
    assert clbapi("DescribeTaskStatus", TaskId=task["RequestId"])["Status"] == 0
    clbapi(
        "RegisterTargets",
        LoadBalancerId=built["lb"],
        ListenerId=built["tcp"],
        Targets=[{"InstanceId": first, "Port": 9000}],
    )

    def weights() -> dict[tuple[str, str], int]:
        listeners = clbapi("DescribeTargets", LoadBalancerId=built["lb"])["Listeners"]
        out = {}
        for listener in listeners:
            backends = listener["Targets"] or [
                t for r in listener["Rules"] or [] for t in r["Targets"]
            ]
            for backend in backends:
                out[(listener["Protocol"], backend["InstanceId"])] = backend["Weight"]
        return out

    assert weights() == {("HTTP", first): 10, ("HTTP", second): 30, ("TCP", first): 10}

    clbapi(
        "ModifyTargetWeight",
        LoadBalancerId=built["lb"],
        ListenerId=built["http"],
        Domain="web.example.com",
        Url="/",
        Targets=[{"InstanceId": first, "Port": 8080}],
        Weight=0,
    )
    clbapi(
        "BatchModifyTargetWeight",
        LoadBalancerId=built["lb"],
        ModifyList=[
            {
                "ListenerId": built["http"],
                "LocationId": built["location"],
                "Targets": [{"InstanceId": second, "Port": 8080, "Weight": 100}],
            },
            {
                "ListenerId": built["tcp"],
                "Targets": [{"InstanceId": first, "Port": 9000}],
                "Weight": 55,
            },
        ],
    )
    assert weights() == {("HTTP", first): 0, ("HTTP", second): 100, ("TCP", first): 55}

    clbapi(
        "DeregisterTargets",
        LoadBalancerId=built["lb"],
        ListenerId=built["http"],
        LocationId=built["location"],
        Targets=[{"InstanceId": first, "Port": 8080}],
    )
    assert weights() == {("HTTP", second): 100, ("TCP", first): 55}


def test_target_health_reflects_the_instances(
    cloud: SandboxTencentCloud, clbapi: Api, built: dict[str, str], asapi: Api
) -> None:
    cloud.add_image("img-appbroken")
    good = create_group(asapi, create_lc(asapi, name="good"), name="good", desired=1)
    bad = create_group(
        asapi, create_lc(asapi, name="bad", image="img-appbroken"), name="bad", desired=1
    )
    cloud.advance(UP)
    ids = {
        name: instances(asapi, gid)[0]["InstanceId"] for name, gid in (("good", good), ("bad", bad))
    }
    clbapi(
        "RegisterTargets",
        LoadBalancerId=built["lb"],
        ListenerId=built["tcp"],
        Targets=[
            {"InstanceId": ids["good"], "Port": 9000},
            {"InstanceId": ids["bad"], "Port": 9000},
        ],
    )
    health = clbapi(
        "DescribeTargetHealth", LoadBalancerIds=[built["lb"]], ListenerIds=[built["tcp"]]
    )
    (lb,) = health["LoadBalancers"]
    (listener,) = lb["Listeners"]
    (rule,) = listener["Rules"]
    status = {t["TargetId"]: (t["HealthStatus"], t["HealthStatusDetail"]) for t in rule["Targets"]}
    assert status == {ids["good"]: (True, "Alive"), ids["bad"]: (False, "Dead")}
    assert rule["LocationId"].startswith("loc-")


def test_clb_errors(clbapi: Api, built: dict[str, str], two_instances: list[str]) -> None:
    assert (
        code_of(clbapi, "DescribeListeners", LoadBalancerId="lb-nothere1")
        == "InvalidParameter.LBIdNotFound"
    )
    assert (
        code_of(
            clbapi,
            "RegisterTargets",
            LoadBalancerId=built["lb"],
            ListenerId="lbl-nothere1",
            Targets=[{"InstanceId": two_instances[0], "Port": 1}],
        )
        == "InvalidParameter.ListenerIdNotFound"
    )
    assert code_of(
        clbapi,
        "ModifyTargetWeight",
        LoadBalancerId=built["lb"],
        ListenerId=built["http"],
        LocationId="loc-nothere1",
        Targets=[{"InstanceId": two_instances[0], "Port": 1}],
    ) == ("InvalidParameter.LocationNotFound")
    assert (
        code_of(
            clbapi,
            "ModifyTargetWeight",
            LoadBalancerId=built["lb"],
            ListenerId=built["tcp"],
            Targets=[{"InstanceId": two_instances[0], "Port": 9000, "Weight": 5}],
        )
        == "InvalidParameter"
    )
    assert code_of(
        clbapi, "CreateListener", LoadBalancerId=built["lb"], Ports=[80], Protocol="TCP"
    ) == ("InvalidParameter.PortCheckFailed")
    assert code_of(
        clbapi, "CreateListener", LoadBalancerId=built["lb"], Ports=[443], Protocol="HTTPS"
    ) == ("MissingParameter")
    assert (
        code_of(
            clbapi,
            "CreateRule",
            LoadBalancerId=built["lb"],
            ListenerId=built["tcp"],
            Rules=[{"Domain": "x", "Url": "/"}],
        )
        == "InvalidParameter.ProtocolCheckFailed"
    )
    assert code_of(clbapi, "CreateLoadBalancer", LoadBalancerType="INTERNAL") == "MissingParameter"
    assert code_of(clbapi, "DescribeTaskStatus", TaskId="nope") == "ResourceNotFound"


def test_delete_rule_listener_and_clb(clbapi: Api, built: dict[str, str]) -> None:
    clbapi(
        "DeleteRule",
        LoadBalancerId=built["lb"],
        ListenerId=built["http"],
        LocationIds=[built["location"]],
    )
    clbapi("DeleteListener", LoadBalancerId=built["lb"], ListenerId=built["tcp"])
    listeners = clbapi("DescribeListeners", LoadBalancerId=built["lb"])["Listeners"]
    assert [(x["ListenerId"], x["Rules"]) for x in listeners] == [(built["http"], [])]
    clbapi("DeleteLoadBalancer", LoadBalancerIds=[built["lb"]])
    assert [x["LoadBalancerId"] for x in clbapi("DescribeLoadBalancers")["LoadBalancerSet"]] == [
        DEFAULT_LOAD_BALANCER
    ]
