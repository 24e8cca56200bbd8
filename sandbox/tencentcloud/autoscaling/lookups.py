"""Resolving ids a request names to resources, with the error codes Auto Scaling returns."""

from __future__ import annotations

import re

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.model import (
    Image,
    LaunchConfiguration,
    RefreshActivity,
    ScalingGroup,
    Subnet,
    Vpc,
)
from sandbox.tencentcloud.params import Params

# Names: letters (any script), digits, underscore, hyphen and dot.
NAME = re.compile(r"^[\w.\-]+$")


def _id_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}-[a-z0-9]+$")


GROUP_ID = _id_pattern("asg")
LAUNCH_CONFIGURATION_ID = _id_pattern("asc")
REFRESH_ID = _id_pattern("asr")
IMAGE_ID = _id_pattern("img")
INSTANCE_ID = _id_pattern("ins")


def group(ctx: ActionContext, group_id: str) -> ScalingGroup:
    if not GROUP_ID.match(group_id):
        raise ApiError(
            "InvalidParameterValue.InvalidAutoScalingGroupId",
            f"The auto scaling group id `{group_id}` is malformed.",
        )
    found = ctx.region.groups.get(group_id)
    if found is None:
        raise ApiError(
            "ResourceNotFound.AutoScalingGroupNotFound",
            f"The auto scaling group `{group_id}` does not exist.",
        )
    return found


def group_param(ctx: ActionContext, p: Params) -> ScalingGroup:
    return group(ctx, p.need_text("AutoScalingGroupId"))


def launch_configuration(
    ctx: ActionContext, lc_id: str, *, as_reference: bool = False
) -> LaunchConfiguration:
    """`as_reference`: the id is a parameter of another resource (CreateAutoScalingGroup),
    which the API reports as an invalid value rather than a missing resource."""
    if not LAUNCH_CONFIGURATION_ID.match(lc_id):
        raise ApiError(
            "InvalidParameterValue.InvalidLaunchConfigurationId",
            f"The launch configuration id `{lc_id}` is malformed.",
        )
    found = ctx.region.launch_configurations.get(lc_id)
    if found is None:
        code = (
            "InvalidParameterValue.LaunchConfigurationNotFound"
            if as_reference
            else "ResourceNotFound.LaunchConfigurationIdNotFound"
        )
        raise ApiError(code, f"The launch configuration `{lc_id}` does not exist.")
    return found


def image(ctx: ActionContext, image_id: str) -> Image:
    if not IMAGE_ID.match(image_id):
        raise ApiError(
            "InvalidParameterValue.InvalidImageId", f"The image id `{image_id}` is malformed."
        )
    found = ctx.region.images.get(image_id)
    if found is None:
        raise ApiError(
            "InvalidParameterValue.ImageNotFound", f"The image `{image_id}` does not exist."
        )
    return found


def security_groups(ctx: ActionContext, ids: list[str]) -> list[str]:
    for sg in ids:
        if sg not in ctx.region.security_groups:
            raise ApiError(
                "InvalidParameterValue.InvalidSecurityGroupId",
                f"The security group `{sg}` does not exist.",
            )
    return ids


def vpc(ctx: ActionContext, vpc_id: str) -> Vpc:
    found = ctx.region.vpcs.get(vpc_id)
    if found is None:
        raise ApiError("InvalidParameterValue", f"The VPC `{vpc_id}` does not exist.")
    return found


def subnets(ctx: ActionContext, vpc_id: str, ids: list[str]) -> list[Subnet]:
    if len(set(ids)) != len(ids):
        raise ApiError("InvalidParameterValue.DuplicatedSubnet", "The subnet list has duplicates.")
    out = []
    for subnet_id in ids:
        found = ctx.region.subnets.get(subnet_id)
        if found is None or found.vpc_id != vpc_id:
            raise ApiError(
                "InvalidParameterValue.InvalidSubnetId",
                f"The subnet `{subnet_id}` does not exist in VPC `{vpc_id}`.",
            )
        out.append(found)
    return out


def refresh_activity(ctx: ActionContext, group_id: str, refresh_id: str) -> RefreshActivity:
    found = ctx.region.refresh_activities.get(refresh_id)
    if not REFRESH_ID.match(refresh_id) or found is None or found.group_id != group_id:
        raise ApiError(
            "ResourceNotFound.RefreshActivityNotFound",
            f"The refresh activity `{refresh_id}` does not exist in group `{group_id}`.",
        )
    return found


def tags(p: Params, name: str = "Tags", *, max_items: int = 30) -> list[dict[str, str]] | None:
    items = p.objs(name, max_items=max_items)
    if items is None:
        return None
    out = []
    for item in items:
        tag = {"Key": item.need_text("Key"), "Value": item.text("Value", default="") or ""}
        resource_type = item.text("ResourceType")
        if resource_type:
            tag["ResourceType"] = resource_type
        out.append(tag)
    keys = [t["Key"] for t in out]
    if len(set(keys)) != len(keys):
        raise ApiError("InvalidParameterValue", f"The tag keys in `{name}` must be unique.")
    return out
