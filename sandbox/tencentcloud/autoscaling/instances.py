"""Instance actions: describe, remove/detach, and scaling out or in by a number."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clock import iso_utc
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import ids_or_filters, matches, page, read_filters
from sandbox.tencentcloud.model import IN_SERVICE, Instance, ScalingGroup
from sandbox.tencentcloud.params import Params
from sandbox.tencentcloud.simulation import scaling
from sandbox.tencentcloud.simulation.instances import health_status, warmup_status


def render(ctx: ActionContext, instance: Instance) -> dict[str, Any]:
    group = ctx.region.groups.get(instance.group_id)
    return {
        "InstanceId": instance.instance_id,
        "AutoScalingGroupId": instance.group_id,
        "LaunchConfigurationId": instance.launch_configuration_id,
        "LaunchConfigurationName": instance.launch_configuration_name,
        "LifeCycleState": instance.state,
        "HealthStatus": health_status(group, instance),
        "ProtectedFromScaleIn": instance.protected,
        "Zone": instance.zone,
        "CreationType": instance.creation_type,
        "AddTime": iso_utc(instance.created_at),
        "InstanceType": instance.instance_type,
        "VersionNumber": instance.lc_version,
        "AutoScalingGroupName": group.name if group else "",
        "WarmupStatus": warmup_status(instance),
        "DisasterRecoverGroupIds": [],
    }


@SERVICE.action("DescribeAutoScalingInstances")
def describe_auto_scaling_instances(ctx: ActionContext, p: Params) -> dict[str, Any]:
    filters = read_filters(
        p, allowed=("instance-id", "auto-scaling-group-id", "private-ip-address")
    )
    ids = ids_or_filters(p, "InstanceIds", filters)

    def field(instance: Instance, name: str) -> list[str]:
        return {
            "instance-id": [instance.instance_id],
            "auto-scaling-group-id": [instance.group_id],
            "private-ip-address": [instance.private_ip],
        }[name]

    def keep(instance: Instance) -> bool:
        if ids is not None and instance.instance_id not in ids:
            return False
        return matches(filters, lambda name: field(instance, name))

    found = [i for i in sorted(ctx.region.instances.values(), key=lambda i: i.seq) if keep(i)]
    total, shown = page(p, found)
    return {"AutoScalingInstanceSet": [render(ctx, i) for i in shown], "TotalCount": total}


def _not_busy(ctx: ActionContext, group: ScalingGroup) -> None:
    if group.refresh_activity_id is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInRefreshActivity",
            f"The group is in instance refresh `{group.refresh_activity_id}`.",
        )
    if ctx.region.running_activity(group.group_id) is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInActivity",
            "The auto scaling group has a scaling activity running.",
        )


def _leave(ctx: ActionContext, p: Params, activity_type: str) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    ids = p.texts("InstanceIds", required=True, max_items=100) or []
    if ctx.region.running_activity(group.group_id) is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInActivity",
            "The auto scaling group has a scaling activity running.",
        )
    victims = []
    for instance_id in ids:
        if not lookups.INSTANCE_ID.match(instance_id):
            raise ApiError(
                "InvalidParameterValue.InvalidInstanceId",
                f"The instance id `{instance_id}` is malformed.",
            )
        instance = ctx.region.instances.get(instance_id)
        if instance is None:
            raise ApiError(
                "ResourceNotFound.InstancesNotFound",
                f"The instance `{instance_id}` does not exist.",
            )
        if instance.group_id != group.group_id:
            raise ApiError(
                "ResourceNotFound.InstancesNotInAutoScalingGroup",
                f"The instance `{instance_id}` is not in group `{group.group_id}`.",
            )
        if instance.leaving:
            raise ApiError(
                "ResourceUnavailable.InstanceInOperation",
                f"The instance `{instance_id}` is already leaving.",
            )
        victims.append(instance)
    # The MinSize check is skipped for a disabled group, as documented for the real API.
    if group.enabled:
        remaining = [
            i
            for i in ctx.region.group_instances(group.group_id)
            if i.state == IN_SERVICE and not i.leaving and i.instance_id not in ids
        ]
        if len(remaining) < group.min_size:
            raise ApiError(
                "ResourceInsufficient.InServiceInstanceBelowMinSize",
                f"Removing these instances leaves {len(remaining)} IN_SERVICE instance(s),"
                f" below MinSize {group.min_size}.",
            )
    p.finish()
    group.desired = max(group.desired - len(victims), 0 if not group.enabled else group.min_size)
    activity = scaling.leave(
        ctx.world,
        ctx.region,
        group,
        victims,
        activity_type,
        cause=f"A user removed {len(victims)} instance(s) from the auto scaling group.",
    )
    return {"ActivityId": activity.activity_id}


@SERVICE.action("RemoveInstances")
def remove_instances(ctx: ActionContext, p: Params) -> dict[str, Any]:
    return _leave(ctx, p, scaling.REMOVE_INSTANCES)


@SERVICE.action("DetachInstances")
def detach_instances(ctx: ActionContext, p: Params) -> dict[str, Any]:
    return _leave(ctx, p, scaling.DETACH_INSTANCES)


def _manual_scale(ctx: ActionContext, group: ScalingGroup, desired: int) -> dict[str, Any]:
    previous = group.desired
    group.desired = desired
    activity = scaling.converge(ctx.world, ctx.region, group, force=True)
    if activity is None:
        group.desired = previous
        raise ApiError("FailedOperation.NoActivityToGenerate", "No scaling activity was generated.")
    return {"ActivityId": activity.activity_id}


@SERVICE.action("ScaleOutInstances")
def scale_out_instances(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    number = p.integer("ScaleOutNumber", required=True, lo=1, hi=2000)
    assert number is not None
    _not_busy(ctx, group)
    if group.desired + number > group.max_size:
        raise ApiError(
            "ResourceInsufficient.AutoScalingGroupAboveMaxSize",
            f"Scaling out {number} would exceed MaxSize {group.max_size}.",
        )
    p.finish()
    return _manual_scale(ctx, group, group.desired + number)


@SERVICE.action("ScaleInInstances")
def scale_in_instances(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    number = p.integer("ScaleInNumber", required=True, lo=1, hi=2000)
    assert number is not None
    _not_busy(ctx, group)
    if group.desired - number < group.min_size:
        raise ApiError(
            "ResourceInsufficient.AutoScalingGroupBelowMinSize",
            f"Scaling in {number} would go below MinSize {group.min_size}.",
        )
    p.finish()
    return _manual_scale(ctx, group, group.desired - number)
