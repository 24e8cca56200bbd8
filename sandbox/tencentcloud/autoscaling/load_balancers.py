"""A scaling group's CLB bindings: parsing and checking them, and the four LB actions."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clb.backends import sync_instance, unbind
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.model import ForwardLb, ScalingGroup
from sandbox.tencentcloud.params import Params
from sandbox.tencentcloud.simulation import scaling


def reject_classic(ctx: ActionContext, p: Params, name: str = "LoadBalancerIds") -> None:
    """Classic CLBs cannot be created any more (CreateLoadBalancer only takes Forward=1), so
    the sandbox has none: every id here is either an application CLB or unknown."""
    for lb_id in p.texts(name, max_items=20) or []:
        if lb_id in ctx.region.load_balancers:
            raise ApiError(
                "InvalidParameterValue.ClassicLb",
                f"`{lb_id}` is an application CLB; bind it with `ForwardLoadBalancers`.",
            )
        raise ApiError(
            "ResourceNotFound.ClassicLoadBalancerNotFound",
            f"The classic CLB `{lb_id}` does not exist.",
        )


def parse_forward(
    ctx: ActionContext,
    p: Params,
    *,
    vpc_id: str,
    name: str = "ForwardLoadBalancers",
    check: bool = True,
) -> list[ForwardLb] | None:
    items = p.objs(name, max_items=100)
    if items is None:
        return None
    out: list[ForwardLb] = []
    for item in items:
        binding = _binding(ctx, item)
        if check:
            _check_binding(ctx, binding, vpc_id)
        if any(b.key == binding.key for b in out):
            raise ApiError(
                "InvalidParameterValue.DuplicatedForwardLb",
                f"The load balancer binding {binding.key} is listed twice.",
            )
        out.append(binding)
    return out


def _binding(ctx: ActionContext, item: Params) -> ForwardLb:
    region = item.text("Region") or ctx.region.name
    if region not in ctx.world.regions:
        raise ApiError(
            "InvalidParameterValue.InvalidClbRegion", f"The CLB region `{region}` is invalid."
        )
    targets: list[tuple[int, int]] = []
    for attr in item.objs("TargetAttributes", required=True, max_items=50) or []:
        port = attr.integer("Port", required=True, lo=1, hi=65535)
        weight = attr.integer("Weight", required=True, lo=0, hi=100)
        assert port is not None
        assert weight is not None
        if any(existing == port for existing, _ in targets):
            raise ApiError(
                "InvalidParameterValue.TargetPortDuplicatedInForwardLb",
                f"The target port {port} is listed twice.",
            )
        targets.append((port, weight))
    return ForwardLb(
        load_balancer_id=item.need_text("LoadBalancerId"),
        listener_id=item.need_text("ListenerId"),
        location_id=item.text("LocationId") or None,
        region=region,
        targets=targets,
    )


def _check_binding(ctx: ActionContext, binding: ForwardLb, vpc_id: str) -> None:
    lb = ctx.world.load_balancer(binding.region, binding.load_balancer_id)
    if lb is None:
        raise ApiError(
            "ResourceNotFound.LoadBalancerNotFound",
            f"The CLB `{binding.load_balancer_id}` does not exist in {binding.region}.",
        )
    listener = lb.listeners.get(binding.listener_id)
    if listener is None:
        raise ApiError(
            "ResourceNotFound.ListenerNotFound",
            f"The listener `{binding.listener_id}` does not exist on `{lb.load_balancer_id}`.",
        )
    if listener.layer7:
        if binding.location_id is None:
            raise ApiError(
                "MissingParameter.InScenario",
                f"`LocationId` is required for the layer-7 listener `{listener.listener_id}`.",
            )
        if binding.location_id not in listener.rules:
            raise ApiError(
                "ResourceNotFound.LocationNotFound",
                f"The forwarding rule `{binding.location_id}` does not exist.",
            )
    elif binding.location_id is not None:
        raise ApiError(
            "ResourceNotFound.LocationNotFound",
            f"The layer-4 listener `{listener.listener_id}` has no forwarding rules.",
        )
    if binding.region == ctx.region.name and lb.vpc_id != vpc_id:
        raise ApiError(
            "ResourceUnavailable.LbVpcInconsistent",
            f"The CLB `{lb.load_balancer_id}` is in VPC `{lb.vpc_id}`, the group in `{vpc_id}`.",
        )


def render(binding: ForwardLb) -> dict[str, Any]:
    return {
        "LoadBalancerId": binding.load_balancer_id,
        "ListenerId": binding.listener_id,
        "TargetAttributes": [{"Port": port, "Weight": weight} for port, weight in binding.targets],
        "LocationId": binding.location_id or "",
        "Region": binding.region,
    }


def rebind(ctx: ActionContext, group: ScalingGroup, new: list[ForwardLb]) -> None:
    """Replace the group's bindings and re-bind its instances (what AS does asynchronously)."""
    members = {i.instance_id for i in ctx.region.group_instances(group.group_id)}
    kept = {b.key for b in new}
    for old in group.forward_lbs:
        if old.key not in kept:
            unbind(ctx.world, old, members)
    group.forward_lbs = new
    for instance in ctx.region.group_instances(group.group_id):
        sync_instance(ctx.world, group, instance)


def _one_of(ctx: ActionContext, p: Params, forward_name: str) -> None:
    if p.has("LoadBalancerIds") and p.has(forward_name):
        raise ApiError(
            "InvalidParameterConflict",
            f"Specify `LoadBalancerIds` or `{forward_name}`, not both.",
        )
    reject_classic(ctx, p)


def _lb_activity(
    ctx: ActionContext, group: ScalingGroup, kind: str, description: str
) -> dict[str, Any]:
    activity = scaling.new_activity(
        ctx.world,
        ctx.region,
        group,
        kind,
        cause="A user changed the load balancers of the auto scaling group.",
        description=description,
        running=False,
    )
    return {"ActivityId": activity.activity_id}


@SERVICE.action("AttachLoadBalancers")
def attach_load_balancers(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    _one_of(ctx, p, "ForwardLoadBalancers")
    added = parse_forward(ctx, p, vpc_id=group.vpc_id)
    if not added:
        raise ApiError(
            "InvalidParameter.MustOneParameter",
            "One of `LoadBalancerIds` and `ForwardLoadBalancers` is required.",
        )
    existing = {b.key for b in group.forward_lbs}
    for binding in added:
        if binding.key in existing:
            raise ApiError(
                "InvalidParameterValue.DuplicatedForwardLb",
                f"The load balancer binding {binding.key} is already attached.",
            )
    if len(group.forward_lbs) + len(added) > 100:
        raise ApiError("LimitExceeded.AfterAttachLbLimitExceeded", "At most 100 CLB bindings.")
    p.finish()
    rebind(ctx, group, group.forward_lbs + added)
    return _lb_activity(ctx, group, "ATTACH_LB", f"Attaching {len(added)} load balancer(s).")


@SERVICE.action("DetachLoadBalancers")
def detach_load_balancers(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    _one_of(ctx, p, "ForwardLoadBalancerIdentifications")
    identifications = p.objs("ForwardLoadBalancerIdentifications", max_items=100)
    if not identifications:
        raise ApiError(
            "InvalidParameter.MustOneParameter",
            "One of `LoadBalancerIds` and `ForwardLoadBalancerIdentifications` is required.",
        )
    remaining = [
        ForwardLb(b.load_balancer_id, b.listener_id, b.location_id, b.region, list(b.targets))
        for b in group.forward_lbs
    ]
    for ident in identifications:
        key = (
            ident.need_text("LoadBalancerId"),
            ident.need_text("ListenerId"),
            ident.text("LocationId") or "",
        )
        ports = ident.integers("PortList")
        binding = next((b for b in remaining if b.key == key), None)
        if binding is None:
            raise ApiError(
                "ResourceNotFound.LoadBalancerNotInAutoScalingGroup",
                f"The load balancer binding {key} is not attached to the group.",
            )
        binding.targets = [t for t in binding.targets if ports and t[0] not in ports]
        if not binding.targets:
            remaining.remove(binding)
    p.finish()
    rebind(ctx, group, remaining)
    return _lb_activity(
        ctx, group, "DETACH_LB", f"Detaching {len(identifications)} load balancer(s)."
    )


@SERVICE.action("ModifyLoadBalancers")
def modify_load_balancers(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    _one_of(ctx, p, "ForwardLoadBalancers")
    policy = p.text("LoadBalancersCheckPolicy", default="ALL", choices=("ALL", "DIFF"))
    new = parse_forward(ctx, p, vpc_id=group.vpc_id, check=False) or []
    unchanged = {b.key for b in group.forward_lbs}
    for binding in new:
        # DIFF only validates what actually changes; ALL validates everything.
        if policy == "ALL" or binding.key not in unchanged:
            _check_binding(ctx, binding, group.vpc_id)
    p.finish()
    rebind(ctx, group, new)
    return _lb_activity(ctx, group, "MODIFY_LB", f"Binding {len(new)} load balancer(s).")


@SERVICE.action("ModifyLoadBalancerTargetAttributes")
def modify_load_balancer_target_attributes(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    changes = parse_forward(ctx, p, vpc_id=group.vpc_id, check=False)
    if not changes:
        raise ApiError("MissingParameter", "The request is missing `ForwardLoadBalancers`.")
    updated = {b.key: b for b in group.forward_lbs}
    for change in changes:
        if change.key not in updated:
            raise ApiError(
                "ResourceNotFound.LoadBalancerNotInAutoScalingGroup",
                f"The load balancer binding {change.key} is not attached to the group.",
            )
        current = updated[change.key]
        updated[change.key] = ForwardLb(
            current.load_balancer_id,
            current.listener_id,
            current.location_id,
            current.region,
            change.targets,
        )
    p.finish()
    rebind(ctx, group, [updated[b.key] for b in group.forward_lbs])
    return _lb_activity(
        ctx, group, "MODIFY_LB", f"Changing the targets of {len(changes)} binding(s)."
    )
