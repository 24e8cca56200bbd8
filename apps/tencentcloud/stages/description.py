"""A deploy's launch configuration and scaling group, from stage fields and a source group."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.tencentcloud.stages.model import (
    TAG_TRAFFIC,
    Binding,
    Capacity,
    ServerGroup,
    encode_traffic,
)

# Spinnaker field (TencentCloudDeployDescription) -> CreateLaunchConfiguration parameter.
LAUNCH_FIELDS = {
    "imageId": "ImageId",
    "projectId": "ProjectId",
    "systemDisk": "SystemDisk",
    "dataDisks": "DataDisks",
    "internetAccessible": "InternetAccessible",
    "loginSettings": "LoginSettings",
    "securityGroupIds": "SecurityGroupIds",
    "enhancedService": "EnhancedService",
    "userData": "UserData",
    "instanceChargeType": "InstanceChargeType",
    "instanceMarketOptionsRequest": "InstanceMarketOptions",
    "instanceTypesCheckPolicy": "InstanceTypesCheckPolicy",
    "instanceTags": "InstanceTags",
    "camRoleName": "CamRoleName",
}
# Spinnaker field -> CreateAutoScalingGroup parameter.
GROUP_FIELDS = {
    "vpcId": "VpcId",
    "subnetIds": "SubnetIds",
    "zones": "Zones",
    "defaultCooldown": "DefaultCooldown",
    "terminationPolicies": "TerminationPolicies",
    "retryPolicy": "RetryPolicy",
    "zonesCheckPolicy": "ZonesCheckPolicy",
    "multiZoneSubnetPolicy": "MultiZoneSubnetPolicy",
    "healthCheckType": "HealthCheckType",
    "loadBalancerHealthCheckGracePeriod": "LoadBalancerHealthCheckGracePeriod",
    "serviceSettings": "ServiceSettings",
    "projectId": "ProjectId",
}
# What a clone copies from the source's launch configuration (API reply field -> parameter).
SOURCE_LAUNCH_FIELDS = {
    "ImageId": "ImageId",
    "InstanceTypes": "InstanceTypes",
    "ProjectId": "ProjectId",
    "SystemDisk": "SystemDisk",
    "DataDisks": "DataDisks",
    "InternetAccessible": "InternetAccessible",
    "LoginSettings": "LoginSettings",
    "SecurityGroupIds": "SecurityGroupIds",
    "EnhancedService": "EnhancedService",
    "UserData": "UserData",
    "InstanceChargeType": "InstanceChargeType",
    "InstanceMarketOptions": "InstanceMarketOptions",
    "InstanceTags": "InstanceTags",
    "CamRoleName": "CamRoleName",
    "LastOperationInstanceTypesCheckPolicy": "InstanceTypesCheckPolicy",
}
SOURCE_GROUP_FIELDS = {
    "VpcId": "VpcId",
    "SubnetIdSet": "SubnetIds",
    "DefaultCooldown": "DefaultCooldown",
    "TerminationPolicySet": "TerminationPolicies",
    "RetryPolicy": "RetryPolicy",
    "MultiZoneSubnetPolicy": "MultiZoneSubnetPolicy",
    "HealthCheckType": "HealthCheckType",
    "LoadBalancerHealthCheckGracePeriod": "LoadBalancerHealthCheckGracePeriod",
    "ProjectId": "ProjectId",
}


class DescriptionError(ValueError):
    """The stage does not say enough (or says something invalid) to create a server group."""


def pascal(value: Any) -> Any:
    """Spinnaker's camelCase nested keys (`systemDisk.diskSize`) as the API's (`DiskSize`)."""
    if isinstance(value, Mapping):
        return {(key[:1].upper() + key[1:]): pascal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [pascal(item) for item in value]
    return value


def user_data(text: str) -> str:
    """The API wants base64; plain text (anything that is not strict base64) is encoded here."""
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64encode(text.encode()).decode()
    return text


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


@dataclass(frozen=True)
class SourceSnapshot:
    """What a clone starts from: the source group and its launch configuration (API replies)."""

    group: ServerGroup
    launch_configuration: dict[str, Any]

    def launch(self) -> dict[str, Any]:
        return {
            parameter: self.launch_configuration[field]
            for field, parameter in SOURCE_LAUNCH_FIELDS.items()
            if not _absent(self.launch_configuration.get(field))
        }

    def group_fields(self) -> dict[str, Any]:
        raw = self.group.raw
        return {
            parameter: raw[field]
            for field, parameter in SOURCE_GROUP_FIELDS.items()
            if not _absent(raw.get(field))
        }


@dataclass(frozen=True)
class DeploySpec:
    launch: dict[str, Any]
    group: dict[str, Any]
    capacity: Capacity
    bindings: tuple[Binding, ...]
    tags: tuple[tuple[str, str], ...]

    def as_context(self) -> dict[str, Any]:
        return {
            "launchConfiguration": self.launch,
            "autoScalingGroup": self.group,
            "capacity": self.capacity.as_dict(),
            "forwardLoadBalancers": [binding.to_stage() for binding in self.bindings],
            "tags": dict(self.tags),
        }

    @classmethod
    def from_context(cls, data: Mapping[str, Any]) -> DeploySpec:
        return cls(
            launch=dict(data["launchConfiguration"]),
            group=dict(data["autoScalingGroup"]),
            capacity=Capacity.from_dict(data["capacity"]),
            bindings=tuple(
                Binding.from_stage(item) for item in data.get("forwardLoadBalancers") or []
            ),
            tags=tuple((str(k), str(v)) for k, v in (data.get("tags") or {}).items()),
        )

    def create_group_params(
        self, name: str, launch_configuration_id: str, moniker_tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        params = dict(self.group)
        params.update(
            AutoScalingGroupName=name,
            LaunchConfigurationId=launch_configuration_id,
            MinSize=self.capacity.min,
            MaxSize=self.capacity.max,
            DesiredCapacity=self.capacity.desired,
        )
        if self.bindings:
            params["ForwardLoadBalancers"] = [binding.to_api() for binding in self.bindings]
        tags = list(moniker_tags)
        if self.bindings:
            tags.append({"Key": TAG_TRAFFIC, "Value": encode_traffic(list(self.bindings))})
        tags += [{"Key": key, "Value": value} for key, value in self.tags]
        params["Tags"] = tags
        return params


def capacity_of(config: Mapping[str, Any], source: SourceSnapshot | None) -> Capacity:
    if isinstance(config.get("capacity"), Mapping) and not config.get("useSourceCapacity"):
        return Capacity.from_dict(dict(config["capacity"]))
    sizes = {key: config.get(key) for key in ("minSize", "maxSize", "desiredCapacity")}
    if sizes["maxSize"] is not None and not config.get("useSourceCapacity"):
        maximum = int(sizes["maxSize"])
        minimum = int(sizes["minSize"] or 0)
        desired = int(sizes["desiredCapacity"] if sizes["desiredCapacity"] is not None else minimum)
        return Capacity.from_dict({"min": minimum, "max": maximum, "desired": desired})
    if source is not None:
        return source.group.capacity
    raise DescriptionError(
        "capacity {min, max, desired} (or maxSize) is required without a source group"
    )


def build(config: Mapping[str, Any], source: SourceSnapshot | None) -> DeploySpec:
    """Stage fields over the source's settings: what the stage names wins, the rest is copied."""
    launch = source.launch() if source else {}
    group = source.group_fields() if source else {}
    for field, parameter in LAUNCH_FIELDS.items():
        if not _absent(config.get(field)):
            launch[parameter] = pascal(config[field])
    if config.get("instanceTypes"):
        launch["InstanceTypes"] = list(config["instanceTypes"])
    elif config.get("instanceType"):
        launch["InstanceTypes"] = [config["instanceType"]]
    if "UserData" in launch and launch["UserData"] and "userData" in config:
        launch["UserData"] = user_data(str(launch["UserData"]))
    if isinstance(launch.get("InstanceTags"), list):
        launch["InstanceTags"] = [pascal(tag) for tag in launch["InstanceTags"]]
    for field, parameter in GROUP_FIELDS.items():
        if not _absent(config.get(field)):
            group[parameter] = pascal(config[field])
    if "SubnetIds" in group and "zones" not in config:
        group.pop("Zones", None)
    if "forwardLoadBalancers" in config:
        try:
            bindings = tuple(
                Binding.from_stage(item) for item in config.get("forwardLoadBalancers") or []
            )
        except ValueError as error:
            raise DescriptionError(str(error)) from None
    elif source is not None:
        bindings = tuple(source.group.serving_weights())
    else:
        bindings = ()
    missing = []
    if not launch.get("ImageId"):
        missing.append("imageId")
    if not launch.get("InstanceTypes"):
        missing.append("instanceType")
    if not group.get("VpcId"):
        missing.append("vpcId")
    if not group.get("SubnetIds") and not group.get("Zones"):
        missing.append("subnetIds (or zones)")
    if missing:
        raise DescriptionError(
            f"missing {', '.join(missing)} (and no source group to copy it from)"
        )
    try:
        capacity = capacity_of(config, source)
    except ValueError as error:
        raise DescriptionError(str(error)) from None
    tags = tuple((str(k), str(v)) for k, v in (config.get("tags") or {}).items())
    return DeploySpec(launch=launch, group=group, capacity=capacity, bindings=bindings, tags=tags)
