"""Writes: launch configurations, groups, traffic (CLB weights), scaling switches and capacity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.tencentcloud.stages import inventory
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.errors import CloudError
from apps.tencentcloud.stages.model import Binding, Capacity, Instance, ServerGroup

REMOVE_BATCH = 100  # RemoveInstances takes at most 100 ids


def find_launch_configuration(api: CloudApi, name: str) -> dict[str, Any] | None:
    reply = api.autoscaling(
        "DescribeLaunchConfigurations",
        {"Filters": [{"Name": "launch-configuration-name", "Values": [name]}], "Limit": 10},
    )
    return next(
        (
            lc
            for lc in reply.get("LaunchConfigurationSet") or []
            if lc.get("LaunchConfigurationName") == name
        ),
        None,
    )


def launch_configuration(api: CloudApi, launch_configuration_id: str) -> dict[str, Any] | None:
    reply = api.autoscaling(
        "DescribeLaunchConfigurations", {"LaunchConfigurationIds": [launch_configuration_id]}
    )
    found = reply.get("LaunchConfigurationSet") or []
    return found[0] if found else None


def ensure_launch_configuration(
    api: CloudApi, name: str, params: dict[str, Any], tags: list[dict[str, str]]
) -> str:
    """Create it, or find the one an earlier attempt created (the name is the idempotency key)."""
    existing = find_launch_configuration(api, name)
    if existing is not None:
        return str(existing["LaunchConfigurationId"])
    reply = api.autoscaling(
        "CreateLaunchConfiguration", {**params, "LaunchConfigurationName": name, "Tags": tags}
    )
    return str(reply["LaunchConfigurationId"])


def ensure_group(api: CloudApi, params: dict[str, Any]) -> str:
    existing = inventory.find(api, str(params["AutoScalingGroupName"]))
    if existing is not None:
        return existing.group_id
    reply = api.autoscaling("CreateAutoScalingGroup", params)
    return str(reply["AutoScalingGroupId"])


def set_traffic(api: CloudApi, group: ServerGroup, bindings: Iterable[Binding]) -> str:
    """Change the weights Auto Scaling registers the group's instances with (re-binds them all)."""
    wanted = [binding.to_api() for binding in bindings]
    if not wanted:
        return ""
    reply = api.autoscaling(
        "ModifyLoadBalancerTargetAttributes",
        {"AutoScalingGroupId": group.group_id, "ForwardLoadBalancers": wanted},
    )
    return str(reply.get("ActivityId") or "")


def stop_traffic(api: CloudApi, group: ServerGroup) -> str:
    if not any(binding.serving for binding in group.bindings):
        return ""
    return set_traffic(api, group, [binding.with_weight(0) for binding in group.bindings])


def restore_traffic(api: CloudApi, group: ServerGroup) -> str:
    """Always re-binds, which also undoes per-instance weights a partial disable set."""
    return set_traffic(api, group, group.serving_weights())


def zero_instance_weights(api: CloudApi, group: ServerGroup, instance_ids: list[str]) -> None:
    """Take single instances out of rotation on the CLB (what a partial disable does).

    Auto Scaling restores the group's weight the next time it re-binds an instance, so this
    only lasts until the group is fully disabled, enabled or its attributes change."""
    if not instance_ids:
        return
    by_lb: dict[str, list[dict[str, Any]]] = {}
    for binding in group.bindings:
        if binding.region and binding.region != api.region:
            continue
        targets = [
            {"InstanceId": instance_id, "Port": port, "Weight": 0}
            for instance_id in instance_ids
            for port, _ in binding.targets
        ]
        rule: dict[str, Any] = {"ListenerId": binding.listener_id, "Targets": targets}
        if binding.location_id:
            rule["LocationId"] = binding.location_id
        by_lb.setdefault(binding.load_balancer_id, []).append(rule)
    for lb_id, rules in by_lb.items():
        api.clb("BatchModifyTargetWeight", {"LoadBalancerId": lb_id, "ModifyList": rules})


def suspend_scaling(api: CloudApi, group: ServerGroup) -> None:
    if group.scaling_enabled:
        api.autoscaling("DisableAutoScalingGroup", {"AutoScalingGroupId": group.group_id})


def resume_scaling(api: CloudApi, group: ServerGroup) -> None:
    if not group.scaling_enabled:
        api.autoscaling("EnableAutoScalingGroup", {"AutoScalingGroupId": group.group_id})


def resize(api: CloudApi, group: ServerGroup, members: list[Instance], target: Capacity) -> str:
    """Ask for `target`; returns the scaling activity's id when the API names one.

    An enabled group converges on its own after ModifyDesiredCapacity. A disabled group does not
    scale on its own, so its bounds are widened first and ScaleOut/ScaleInInstances (which work on
    a disabled group) move it, then the exact bounds are set."""
    if group.scaling_enabled:
        api.autoscaling(
            "ModifyDesiredCapacity",
            {
                "AutoScalingGroupId": group.group_id,
                "DesiredCapacity": target.desired,
                "MinSize": target.min,
                "MaxSize": target.max,
            },
        )
        return ""
    present = sum(1 for instance in members if not instance.leaving)
    current = group.capacity.desired
    api.autoscaling(
        "ModifyDesiredCapacity",
        {
            "AutoScalingGroupId": group.group_id,
            "DesiredCapacity": current,
            "MinSize": min(target.min, current, target.desired),
            "MaxSize": max(target.max, current, target.desired),
        },
    )
    activity_id = ""
    if target.desired != present:
        action, number = (
            ("ScaleOutInstances", "ScaleOutNumber")
            if target.desired > current
            else ("ScaleInInstances", "ScaleInNumber")
        )
        change = abs(target.desired - current)
        if change:
            try:
                reply = api.autoscaling(
                    action, {"AutoScalingGroupId": group.group_id, number: change}
                )
                activity_id = str(reply.get("ActivityId") or "")
            except CloudError as error:
                if error.code != "FailedOperation.NoActivityToGenerate":
                    raise
    api.autoscaling(
        "ModifyDesiredCapacity",
        {
            "AutoScalingGroupId": group.group_id,
            "DesiredCapacity": target.desired,
            "MinSize": target.min,
            "MaxSize": target.max,
        },
    )
    return activity_id


def remove_instances(api: CloudApi, group: ServerGroup, instance_ids: list[str]) -> list[str]:
    activity_ids = []
    for start in range(0, len(instance_ids), REMOVE_BATCH):
        reply = api.autoscaling(
            "RemoveInstances",
            {
                "AutoScalingGroupId": group.group_id,
                "InstanceIds": instance_ids[start : start + REMOVE_BATCH],
            },
        )
        activity_ids.append(str(reply.get("ActivityId") or ""))
    return activity_ids


def destroy_step(api: CloudApi, name: str) -> int | None:
    """The next step of destroying a group; None once it is gone, else instances remaining.

    Traffic off first, then drained to zero (the API refuses to delete a group with instances in
    service or an activity running), then the group and its launch configuration go."""
    group = inventory.find(api, name)
    if group is None:
        return None
    stop_traffic(api, group)
    members = inventory.instances(api, group.group_id)
    leaving = any(instance.leaving for instance in members)
    present = [instance for instance in members if not instance.leaving]
    if present or group.capacity.desired or group.capacity.min:
        if not group.in_activity and not leaving:
            resize(api, group, members, Capacity(0, group.capacity.max, 0))
        return len(members)
    if members or group.in_activity:
        return len(members)
    delete_group(api, group)
    delete_launch_configuration(api, group.launch_configuration_id)
    return None


def delete_group(api: CloudApi, group: ServerGroup) -> None:
    try:
        api.autoscaling("DeleteAutoScalingGroup", {"AutoScalingGroupId": group.group_id})
    except CloudError as error:
        if not error.code.startswith("ResourceNotFound"):
            raise


def delete_launch_configuration(api: CloudApi, launch_configuration_id: str) -> bool:
    """False when another group still uses it (then it stays)."""
    try:
        api.autoscaling(
            "DeleteLaunchConfiguration", {"LaunchConfigurationId": launch_configuration_id}
        )
    except CloudError as error:
        if error.code.startswith("ResourceNotFound"):
            return True
        if error.code == "ResourceInUse.LaunchConfigurationIdInUse":
            return False
        raise
    return True
