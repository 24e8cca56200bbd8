"""CLB backend actions: describe targets and their health, register, deregister, weights."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.clb import lookups
from sandbox.tencentcloud.clb.backends import health_of
from sandbox.tencentcloud.clb.load_balancers import record_task
from sandbox.tencentcloud.clb.service import SERVICE
from sandbox.tencentcloud.clock import clb_time
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import read_filters
from sandbox.tencentcloud.model import Backend, Listener
from sandbox.tencentcloud.params import Params


def render_backend(ctx: ActionContext, backend: Backend) -> dict[str, Any]:
    instance = ctx.world.find_instance(backend.instance_id)
    group = None
    if instance is not None:
        group = ctx.world.regions[instance.region].groups.get(instance.group_id)
    return {
        "Type": backend.kind,
        "InstanceId": backend.instance_id,
        "Port": backend.port,
        "Weight": backend.weight,
        "PublicIpAddresses": [],
        "PrivateIpAddresses": [instance.private_ip] if instance else [],
        "InstanceName": f"as-{group.name}" if group else "",
        "RegisteredTime": clb_time(backend.registered_at),
        "EniId": None,
        "Tag": "",
        "Zone": instance.zone if instance else None,
    }


@SERVICE.action("DescribeTargets")
def describe_targets(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    ids = p.texts("ListenerIds", max_items=20)
    protocol = p.text("Protocol")
    port = p.integer("Port")
    filters = dict(
        read_filters(
            p,
            allowed=("location-id", "private-ip-address", "tag"),
            max_values=100,
            code="InvalidParameter.InvalidFilter",
        )
    )

    def shown(backends: list[Backend]) -> list[dict[str, Any]]:
        rendered = [render_backend(ctx, b) for b in backends]
        ips = filters.get("private-ip-address")
        if ips:
            rendered = [b for b in rendered if set(b["PrivateIpAddresses"]).intersection(ips)]
        if "tag" in filters:
            rendered = [b for b in rendered if b["Tag"] in filters["tag"]]
        return rendered

    out = []
    for listener in lb.listeners.values():
        if ids is not None and listener.listener_id not in ids:
            continue
        if (protocol and listener.protocol != protocol) or (port and listener.port != port):
            continue
        rules = None
        if listener.layer7:
            rules = [
                {
                    "LocationId": rule.location_id,
                    "Domain": rule.domain,
                    "Url": rule.url,
                    "Targets": shown(rule.targets),
                    "FunctionTargets": [],
                }
                for rule in listener.rules.values()
                if "location-id" not in filters or rule.location_id in filters["location-id"]
            ]
        out.append(
            {
                "ListenerId": listener.listener_id,
                "Protocol": listener.protocol,
                "Port": listener.port,
                "Rules": rules,
                "Targets": None if listener.layer7 else shown(listener.targets),
                "EndPort": 0,
            }
        )
    return {"Listeners": out}


def _health(ctx: ActionContext, backends: list[Backend]) -> list[dict[str, Any]]:
    out = []
    for backend in backends:
        healthy, detail = health_of(ctx.world, backend)
        instance = ctx.world.find_instance(backend.instance_id)
        out.append(
            {
                "IP": instance.private_ip if instance else "",
                "Port": backend.port,
                "HealthStatus": healthy,
                "TargetId": backend.instance_id,
                "HealthStatusDetail": detail,
                "HealthStatusDetial": detail,
                "TargetGroupId": "",
                "Weight": backend.weight,
            }
        )
    return out


@SERVICE.action("DescribeTargetHealth")
def describe_target_health(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb_ids = p.texts("LoadBalancerIds", required=True, max_items=30) or []
    listener_ids = p.texts("ListenerIds")
    location_ids = p.texts("LocationIds")
    out = []
    for lb_id in lb_ids:
        lb = lookups.load_balancer(ctx, lb_id)
        listeners = []
        for listener in lb.listeners.values():
            if listener_ids and listener.listener_id not in listener_ids:
                continue
            listeners.append(
                {
                    "ListenerId": listener.listener_id,
                    "ListenerName": listener.name,
                    "Protocol": listener.protocol,
                    "Port": listener.port,
                    "Rules": _rule_health(ctx, listener, location_ids),
                }
            )
        out.append(
            {
                "LoadBalancerId": lb.load_balancer_id,
                "LoadBalancerName": lb.name,
                "Listeners": listeners,
            }
        )
    return {"LoadBalancers": out}


def _rule_health(
    ctx: ActionContext, listener: Listener, location_ids: list[str] | None
) -> list[dict[str, Any]]:
    if not listener.layer7:
        rules = [(listener.default_location_id, "", "", listener.targets)]
    else:
        rules = [(r.location_id, r.domain, r.url, r.targets) for r in listener.rules.values()]
    return [
        {
            "LocationId": location_id,
            "Domain": domain,
            "Url": url,
            "RuleId": location_id,
            "Targets": _health(ctx, targets),
        }
        for location_id, domain, url, targets in rules
        if not location_ids or location_id in location_ids
    ]


def _target_specs(p: Params, name: str = "Targets") -> list[tuple[str, int, int | None]]:
    specs = []
    for item in p.objs(name, required=True, max_items=500) or []:
        port = item.integer("Port", required=True, lo=1, hi=65535)
        item.text("Type")
        item.text("Tag")
        if item.has("EniIp"):
            raise ApiError(
                "UnsupportedOperation", "The sandbox only binds CVM instances, not ENI IPs."
            )
        instance_id = item.need_text("InstanceId")
        weight = item.integer("Weight", lo=0, hi=100)
        assert port is not None
        specs.append((instance_id, port, weight))
    return specs


@SERVICE.action("RegisterTargets")
def register_targets(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    backends = lookups.backends(lb, p)
    specs = _target_specs(p)
    for instance_id, _, _ in specs:
        if ctx.world.find_instance(instance_id) is None:
            raise ApiError("InvalidParameter", f"The instance `{instance_id}` does not exist.")
    p.finish()
    for instance_id, port, weight in specs:
        existing = next(
            (b for b in backends if b.instance_id == instance_id and b.port == port), None
        )
        if existing is not None:
            existing.weight = 10 if weight is None else weight
        else:
            backends.append(Backend(instance_id, port, 10 if weight is None else weight, ctx.now))
    record_task(ctx, [lb.load_balancer_id])
    return {}


@SERVICE.action("DeregisterTargets")
def deregister_targets(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    backends = lookups.backends(lb, p)
    doomed = {(instance_id, port) for instance_id, port, _ in _target_specs(p)}
    p.finish()
    backends[:] = [b for b in backends if (b.instance_id, b.port) not in doomed]
    record_task(ctx, [lb.load_balancer_id])
    return {}


def _weight_changes(
    p: Params, backends: list[Backend], default: int | None
) -> list[tuple[Backend, int]]:
    changes = []
    for instance_id, port, weight in _target_specs(p):
        backend = next(
            (b for b in backends if b.instance_id == instance_id and b.port == port), None
        )
        if backend is None:
            raise ApiError(
                "InvalidParameter",
                f"The target {instance_id}:{port} is not bound to this listener or rule.",
            )
        changes.append(
            (backend, weight if weight is not None else (10 if default is None else default))
        )
    return changes


def _apply(changes: list[tuple[Backend, int]]) -> None:
    for backend, weight in changes:
        backend.weight = weight


@SERVICE.action("ModifyTargetWeight")
def modify_target_weight(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    backends = lookups.backends(lb, p)
    changes = _weight_changes(p, backends, p.integer("Weight", lo=0, hi=100))
    p.finish()
    _apply(changes)
    record_task(ctx, [lb.load_balancer_id])
    return {}


@SERVICE.action("BatchModifyTargetWeight")
def batch_modify_target_weight(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    changes = []
    for rule in p.objs("ModifyList", required=True, max_items=100) or []:
        backends = lookups.backends(lb, rule)
        changes += _weight_changes(rule, backends, rule.integer("Weight", lo=0, hi=100))
    p.finish()
    _apply(changes)
    record_task(ctx, [lb.load_balancer_id])
    return {}
