"""Scaling group actions: create, describe, modify, desired capacity, enable/disable, delete."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import load_balancers, lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clb.backends import target_list
from sandbox.tencentcloud.clock import iso_utc
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import ids_or_filters, matches, page, read_filters, tag_field
from sandbox.tencentcloud.model import IN_SERVICE, ScalingGroup
from sandbox.tencentcloud.params import Params

TERMINATION_POLICIES = ("OLDEST_INSTANCE", "NEWEST_INSTANCE")
RETRY_POLICIES = ("IMMEDIATE_RETRY", "INCREMENTAL_INTERVALS", "NO_RETRY")
SERVICE_SETTING_DEFAULTS: dict[str, Any] = {
    "ReplaceMonitorUnhealthy": False,
    "ScalingMode": "CLASSIC_SCALING",
    "ReplaceLoadBalancerUnhealthy": False,
    "ReplaceMode": "RECREATE",
    "AutoUpdateInstanceTags": False,
    "DesiredCapacitySyncWithMaxMinSize": False,
    "PriorityScaleInUnhealthy": False,
}
# Accepted, stored and echoed back; the simulation does not act on them.
PASSTHROUGH: dict[str, Any] = {
    "Ipv6AddressCount": 0,
    "InstanceAllocationPolicy": "LAUNCH_CONFIGURATION",
    "SpotMixedAllocationPolicy": None,
    "CapacityRebalance": False,
    "InstanceNameIndexSettings": None,
    "HostNameIndexSettings": None,
    "ConcurrentScaleOutForDesiredCapacity": False,
}


def _check_sizes(min_size: int, max_size: int, desired: int) -> None:
    if not min_size <= desired <= max_size:
        raise ApiError(
            "InvalidParameterValue.Size",
            f"MaxSize >= DesiredCapacity >= MinSize must hold, got {max_size} >= {desired}"
            f" >= {min_size}.",
        )


def _read_size(p: Params, name: str, *, required: bool = False) -> int | None:
    codes = {
        "MaxSize": "LimitExceeded.MaxSizeLimitExceeded",
        "MinSize": "LimitExceeded.MinSizeLimitExceeded",
        "DesiredCapacity": "LimitExceeded.DesiredCapacityLimitExceeded",
    }
    return p.integer(name, required=required, lo=0, hi=2000, code=codes[name])


def _name(
    ctx: ActionContext, p: Params, *, required: bool, exclude: str | None = None
) -> str | None:
    name = p.text("AutoScalingGroupName", required=required, max_len=55, pattern=lookups.NAME)
    if name is not None:
        for other in ctx.region.groups.values():
            if other.name == name and other.group_id != exclude:
                raise ApiError(
                    "InvalidParameterValue.GroupNameDuplicated",
                    f"An auto scaling group named `{name}` already exists.",
                )
    return name


def _network(ctx: ActionContext, p: Params, vpc_id: str) -> tuple[list[str], list[str]]:
    lookups.vpc(ctx, vpc_id)
    subnet_ids = p.texts("SubnetIds", max_items=20)
    zones = p.texts("Zones", max_items=20)
    for zone in zones or []:
        if zone not in ctx.region.zones:
            raise ApiError(
                "InvalidParameterValue.ZoneMismatchRegion",
                f"The zone `{zone}` is not in region {ctx.region.name}.",
            )
    if not subnet_ids:
        raise ApiError("MissingParameter.InScenario", "`SubnetIds` is required for a VPC group.")
    subnets = lookups.subnets(ctx, vpc_id, subnet_ids)
    return subnet_ids, sorted({s.zone for s in subnets})


def _settings(p: Params, group: ScalingGroup | None) -> dict[str, Any]:
    """The optional knobs shared by Create and Modify; only those present in the request."""
    out: dict[str, Any] = {}
    if (cooldown := p.integer("DefaultCooldown", lo=0, hi=3600)) is not None:
        out["default_cooldown"] = cooldown
    if (project := p.integer("ProjectId", lo=0)) is not None:
        out["project_id"] = project
    policies = p.texts("TerminationPolicies", max_items=1)
    for policy in policies or []:
        if policy not in TERMINATION_POLICIES:
            raise ApiError("InvalidParameterValue", f"Unknown termination policy `{policy}`.")
    if policies is not None:
        out["termination_policies"] = policies
    if (retry := p.text("RetryPolicy", choices=RETRY_POLICIES)) is not None:
        out["retry_policy"] = retry
    if (check := p.text("ZonesCheckPolicy", choices=("ALL", "ANY"))) is not None:
        out["zones_check_policy"] = check
    if (multi := p.text("MultiZoneSubnetPolicy", choices=("PRIORITY", "EQUALITY"))) is not None:
        out["multi_zone_subnet_policy"] = multi
    if (health := p.text("HealthCheckType", choices=("CVM", "CLB"))) is not None:
        out["health_check_type"] = health
    if (grace := p.integer("LoadBalancerHealthCheckGracePeriod", lo=0, hi=7200)) is not None:
        out["lb_grace_period"] = grace
    service = p.obj("ServiceSettings")
    if service is not None:
        merged = dict(group.service_settings if group else {})
        for key, default in SERVICE_SETTING_DEFAULTS.items():
            if isinstance(default, bool):
                value: Any = service.boolean(key)
            else:
                value = service.text(key)
            if value is not None:
                merged[key] = value
        out["service_settings"] = merged
    extra = dict(group.extra if group else {})
    for key in PASSTHROUGH:
        if p.has(key):
            extra[key] = p.raw(key)
    out["extra"] = extra
    return out


def render(ctx: ActionContext, group: ScalingGroup) -> dict[str, Any]:
    members = ctx.region.group_instances(group.group_id)
    lc = ctx.region.launch_configurations.get(group.launch_configuration_id)
    return {
        "AutoScalingGroupId": group.group_id,
        "AutoScalingGroupName": group.name,
        "AutoScalingGroupStatus": _status(ctx, group),
        "CreatedTime": iso_utc(group.created_at),
        "DefaultCooldown": group.default_cooldown,
        "DesiredCapacity": group.desired,
        "EnabledStatus": "ENABLED" if group.enabled else "DISABLED",
        "ForwardLoadBalancerSet": [load_balancers.render(b) for b in group.forward_lbs],
        "InstanceCount": len(members),
        "InServiceInstanceCount": sum(1 for i in members if i.state == IN_SERVICE),
        "LaunchConfigurationId": group.launch_configuration_id,
        "LaunchConfigurationName": lc.name if lc else "",
        "LoadBalancerIdSet": [],
        "MaxSize": group.max_size,
        "MinSize": group.min_size,
        "ProjectId": group.project_id,
        "SubnetIdSet": list(group.subnet_ids),
        "TerminationPolicySet": list(group.termination_policies),
        "VpcId": group.vpc_id,
        "ZoneSet": list(group.zones),
        "RetryPolicy": group.retry_policy,
        "InActivityStatus": (
            "IN_ACTIVITY" if ctx.region.running_activity(group.group_id) else "NOT_IN_ACTIVITY"
        ),
        "Tags": [dict(t, ResourceType="auto-scaling-group") for t in group.tags],
        "ServiceSettings": SERVICE_SETTING_DEFAULTS | group.service_settings,
        "MultiZoneSubnetPolicy": group.multi_zone_subnet_policy,
        "HealthCheckType": group.health_check_type,
        "LoadBalancerHealthCheckGracePeriod": group.lb_grace_period,
        **(PASSTHROUGH | group.extra),
    }


def _status(ctx: ActionContext, group: ScalingGroup) -> str:
    for binding in group.forward_lbs:
        lb = ctx.world.load_balancer(binding.region, binding.load_balancer_id)
        if lb is None:
            return "LB_ABNORMAL"
        if binding.listener_id not in lb.listeners:
            return "LB_LISTENER_ABNORMAL"
        if target_list(lb, binding.listener_id, binding.location_id) is None:
            return "LB_LOCATION_ABNORMAL"
    return "NORMAL"


@SERVICE.action("CreateAutoScalingGroup")
def create_auto_scaling_group(ctx: ActionContext, p: Params) -> dict[str, Any]:
    name = _name(ctx, p, required=True)
    lc = lookups.launch_configuration(ctx, p.need_text("LaunchConfigurationId"), as_reference=True)
    max_size = _read_size(p, "MaxSize", required=True)
    min_size = _read_size(p, "MinSize", required=True)
    assert name is not None
    assert max_size is not None
    assert min_size is not None
    desired = _read_size(p, "DesiredCapacity")
    desired = min_size if desired is None else desired
    _check_sizes(min_size, max_size, desired)
    vpc_id = p.need_text("VpcId")
    subnet_ids, zones = _network(ctx, p, vpc_id)
    if p.has("LoadBalancerIds") and p.has("ForwardLoadBalancers"):
        raise ApiError(
            "InvalidParameterConflict",
            "Specify `LoadBalancerIds` or `ForwardLoadBalancers`, not both.",
        )
    load_balancers.reject_classic(ctx, p)
    forward = load_balancers.parse_forward(ctx, p, vpc_id=vpc_id) or []
    tags = lookups.tags(p) or []
    settings = _settings(p, None)
    p.finish()
    group = ScalingGroup(
        group_id=ctx.world.ids.new("asg"),
        name=name,
        launch_configuration_id=lc.launch_configuration_id,
        min_size=min_size,
        max_size=max_size,
        desired=desired,
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        zones=zones,
        project_id=settings.pop("project_id", 0),
        default_cooldown=settings.pop("default_cooldown", 300),
        termination_policies=settings.pop("termination_policies", ["OLDEST_INSTANCE"]),
        retry_policy=settings.pop("retry_policy", "IMMEDIATE_RETRY"),
        zones_check_policy=settings.pop("zones_check_policy", "ANY"),
        tags=tags,
        forward_lbs=forward,
        created_at=ctx.now,
        seq=ctx.world.next_seq(),
        **settings,
    )
    ctx.region.groups[group.group_id] = group
    return {"AutoScalingGroupId": group.group_id}


@SERVICE.action("DescribeAutoScalingGroups")
def describe_auto_scaling_groups(ctx: ActionContext, p: Params) -> dict[str, Any]:
    filters = read_filters(
        p,
        allowed=(
            "auto-scaling-group-id",
            "auto-scaling-group-name",
            "vague-auto-scaling-group-name",
            "launch-configuration-id",
            "tag-key",
            "tag-value",
        ),
        tag_prefix=True,
    )
    ids = ids_or_filters(p, "AutoScalingGroupIds", filters)

    def field(group: ScalingGroup, name: str) -> list[str] | None:
        if name == "auto-scaling-group-id":
            return [group.group_id]
        if name == "auto-scaling-group-name":
            return [group.name]
        if name == "vague-auto-scaling-group-name":
            return [v for v in dict(filters)[name] if v in group.name]
        if name == "launch-configuration-id":
            return [group.launch_configuration_id]
        return tag_field(group.tags, name)

    def keep(group: ScalingGroup) -> bool:
        if ids is not None and group.group_id not in ids:
            return False
        return matches(filters, lambda name: field(group, name))

    found = [g for g in reversed(ctx.region.groups.values()) if keep(g)]
    total, shown = page(p, found)
    return {"AutoScalingGroupSet": [render(ctx, g) for g in shown], "TotalCount": total}


@SERVICE.action("ModifyAutoScalingGroup")
def modify_auto_scaling_group(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    name = _name(ctx, p, required=False, exclude=group.group_id)
    lc_id = p.text("LaunchConfigurationId")
    lc = lookups.launch_configuration(ctx, lc_id, as_reference=True) if lc_id else None
    sizes = {n: _read_size(p, n) for n in ("MinSize", "MaxSize", "DesiredCapacity")}
    min_size = group.min_size if sizes["MinSize"] is None else sizes["MinSize"]
    max_size = group.max_size if sizes["MaxSize"] is None else sizes["MaxSize"]
    desired = group.desired if sizes["DesiredCapacity"] is None else sizes["DesiredCapacity"]
    settings = _settings(p, group)
    sync = (settings.get("service_settings") or group.service_settings).get(
        "DesiredCapacitySyncWithMaxMinSize"
    )
    if sync and sizes["DesiredCapacity"] is None:
        desired = min(max(desired, min_size), max_size)
    _check_sizes(min_size, max_size, desired)
    vpc_id = p.text("VpcId")
    if vpc_id is not None and vpc_id != group.vpc_id:
        if group.forward_lbs:
            raise ApiError(
                "ResourceUnavailable.ForbiddenModifyVpc",
                "A group bound to load balancers cannot change its VPC.",
            )
        if not p.has("SubnetIds"):
            raise ApiError(
                "MissingParameter.InScenario", "`SubnetIds` is required with a new `VpcId`."
            )
    network = None
    if p.has("SubnetIds") or p.has("Zones"):
        network = _network(ctx, p, vpc_id or group.vpc_id)
    p.finish()
    if network is not None:
        group.subnet_ids, group.zones = network
    if vpc_id is not None:
        group.vpc_id = vpc_id
    if name is not None:
        group.name = name
    if lc is not None:
        group.launch_configuration_id = lc.launch_configuration_id
    group.min_size, group.max_size, group.desired = min_size, max_size, desired
    for key, value in settings.items():
        setattr(group, key, value)
    return {}


@SERVICE.action("ModifyDesiredCapacity")
def modify_desired_capacity(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    desired = _read_size(p, "DesiredCapacity", required=True)
    min_size = _read_size(p, "MinSize")
    max_size = _read_size(p, "MaxSize")
    assert desired is not None
    min_size = group.min_size if min_size is None else min_size
    max_size = group.max_size if max_size is None else max_size
    _check_sizes(min_size, max_size, desired)
    p.finish()
    group.min_size, group.max_size, group.desired = min_size, max_size, desired
    return {}


@SERVICE.action("EnableAutoScalingGroup")
def enable_auto_scaling_group(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    if group.refresh_activity_id is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInRefreshActivity",
            f"The group is disabled by instance refresh `{group.refresh_activity_id}`.",
        )
    p.finish()
    group.user_enabled = True
    return {}


@SERVICE.action("DisableAutoScalingGroup")
def disable_auto_scaling_group(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    p.finish()
    group.user_enabled = False
    return {}


@SERVICE.action("DeleteAutoScalingGroup")
def delete_auto_scaling_group(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    if group.refresh_activity_id is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInRefreshActivity",
            f"The group is in instance refresh `{group.refresh_activity_id}`.",
        )
    if ctx.region.running_activity(group.group_id) is not None:
        raise ApiError(
            "ResourceInUse.ActivityInProgress",
            "The auto scaling group has a scaling activity running.",
        )
    in_service = [i for i in ctx.region.group_instances(group.group_id) if i.state == IN_SERVICE]
    if in_service:
        raise ApiError(
            "ResourceInUse.InstanceInGroup",
            f"The auto scaling group still has {len(in_service)} IN_SERVICE instance(s);"
            " set its desired capacity (and MinSize) to 0 first.",
        )
    p.finish()
    del ctx.region.groups[group.group_id]
    return {}
