"""Calling the sandbox through the official SDK, as platform code does, plus small readers."""

from __future__ import annotations

import json
import warnings
from typing import Any

from tencentcloud.autoscaling.v20180419 import autoscaling_client
from tencentcloud.autoscaling.v20180419 import models as as_models
from tencentcloud.clb.v20180317 import clb_client
from tencentcloud.clb.v20180317 import models as clb_models
from tencentcloud.common import credential

from sandbox.tencentcloud import (
    DEFAULT_HTTP_LISTENER,
    DEFAULT_LOAD_BALANCER,
    DEFAULT_LOCATION,
    DEFAULT_SUBNETS,
    DEFAULT_VPC,
    SandboxTencentCloud,
)

REGION = "ap-guangzhou"
LAUNCH = 30.0
HEALTH = 20.0
TERMINATE = 10.0
# Long enough for a launched instance to boot and pass its health check.
UP = LAUNCH + HEALTH


class Api:
    """Calls one SDK client the way platform code does: build the request model, call the
    client method, read the response model (returned as a plain dict for assertions).

    Every reply is also checked against the SDK's response model: a field the model does not
    define makes the SDK warn "fileds are useless", which fails the test here."""

    def __init__(self, client: Any, models: Any, cloud: SandboxTencentCloud) -> None:
        self.client = client
        self.models = models
        self.cloud = cloud

    def __call__(self, action: str, **params: Any) -> dict[str, Any]:
        request = getattr(self.models, f"{action}Request")()
        request.from_json_string(json.dumps(params))
        response = getattr(self.client, action)(request)
        self._check_fields(action, response.RequestId)
        return json.loads(response.to_json_string())  # type: ignore[no-any-return]

    def _check_fields(self, action: str, request_id: str) -> None:
        sent = next(c.response for c in self.cloud.calls(action) if c.request_id == request_id)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(self.models, f"{action}Response")()._deserialize(
                {**sent, "RequestId": request_id}
            )
        useless = [str(w.message) for w in caught if "useless" in str(w.message)]
        assert not useless, f"{action} replied with fields its SDK model lacks: {useless}"


def make_as(
    cloud: SandboxTencentCloud,
    *,
    region: str = REGION,
    key: tuple[str, str] | None = None,
    profile: Any = None,
    **http_options: Any,
) -> Api:
    cred = credential.Credential(*(key or cloud.credentials))
    client = autoscaling_client.AutoscalingClient(
        cred, region, profile or cloud.client_profile(**http_options)
    )
    return Api(client, as_models, cloud)


def make_clb(cloud: SandboxTencentCloud, *, region: str = REGION) -> Api:
    cred = credential.Credential(*cloud.credentials)
    return Api(clb_client.ClbClient(cred, region, cloud.client_profile()), clb_models, cloud)


def forward_lb(weight: int = 50, port: int = 80) -> dict[str, Any]:
    return {
        "LoadBalancerId": DEFAULT_LOAD_BALANCER,
        "ListenerId": DEFAULT_HTTP_LISTENER,
        "LocationId": DEFAULT_LOCATION,
        "TargetAttributes": [{"Port": port, "Weight": weight}],
    }


def create_lc(asapi: Api, name: str = "lc-app", image: str = "img-demo0001") -> str:
    return asapi(
        "CreateLaunchConfiguration",
        LaunchConfigurationName=name,
        ImageId=image,
        InstanceType="S5.MEDIUM2",
    )["LaunchConfigurationId"]


def create_group(
    asapi: Api,
    lc_id: str,
    *,
    name: str = "app-prod-v000",
    desired: int = 2,
    lbs: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> str:
    params: dict[str, Any] = {
        "AutoScalingGroupName": name,
        "LaunchConfigurationId": lc_id,
        "MinSize": 0,
        "MaxSize": 10,
        "DesiredCapacity": desired,
        "VpcId": DEFAULT_VPC,
        "SubnetIds": list(DEFAULT_SUBNETS),
        **extra,
    }
    if lbs is not None:
        params["ForwardLoadBalancers"] = lbs
    return asapi("CreateAutoScalingGroup", **params)["AutoScalingGroupId"]


def group(asapi: Api, group_id: str) -> dict[str, Any]:
    return asapi("DescribeAutoScalingGroups", AutoScalingGroupIds=[group_id])[
        "AutoScalingGroupSet"
    ][0]


def instances(asapi: Api, group_id: str) -> list[dict[str, Any]]:
    return asapi(
        "DescribeAutoScalingInstances",
        Filters=[{"Name": "auto-scaling-group-id", "Values": [group_id]}],
        Limit=100,
    )["AutoScalingInstanceSet"]


def activities(asapi: Api, group_id: str) -> list[dict[str, Any]]:
    return asapi(
        "DescribeAutoScalingActivities",
        Filters=[{"Name": "auto-scaling-group-id", "Values": [group_id]}],
        Limit=100,
    )["ActivitySet"]


def targets(
    clbapi: Api, lb: str = DEFAULT_LOAD_BALANCER, location: str = DEFAULT_LOCATION
) -> list[dict[str, Any]]:
    """The backends of one rule, with their health, from DescribeTargetHealth."""
    found = clbapi("DescribeTargetHealth", LoadBalancerIds=[lb], LocationIds=[location])
    return [
        target
        for listener in found["LoadBalancers"][0]["Listeners"]
        for rule in listener["Rules"] or []
        for target in rule["Targets"] or []
    ]
