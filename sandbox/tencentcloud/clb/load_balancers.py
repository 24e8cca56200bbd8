"""CLB instance actions: create, describe, delete, and the asynchronous task status."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.clb import lookups
from sandbox.tencentcloud.clb.service import SERVICE
from sandbox.tencentcloud.clock import clb_time
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import matches, page, read_filters
from sandbox.tencentcloud.model import LoadBalancer
from sandbox.tencentcloud.params import Params

# Accepted and ignored: billing, zones, bandwidth, clusters and the like.
PASSTHROUGH = (
    "AddressIPVersion",
    "MasterZoneId",
    "ZoneId",
    "InternetAccessible",
    "VipIsp",
    "Vip",
    "BandwidthPackageId",
    "ExclusiveCluster",
    "SlaType",
    "ClusterIds",
    "ClientToken",
    "SnatPro",
    "SnatIps",
    "ClusterTag",
    "SlaveZoneId",
    "EipAddressId",
    "LoadBalancerPassToTarget",
    "DynamicVip",
    "Egress",
    "LBChargePrepaid",
    "LBChargeType",
    "AccessLogTopicId",
    "AdvancedRoute",
    "AvailableZoneAffinityInfo",
)


def record_task(ctx: ActionContext, lb_ids: list[str], key: str | None = None) -> None:
    """CLB writes are asynchronous in the real API; here they are done at once, and the task
    (named by the request id) reports success to DescribeTaskStatus."""
    ctx.region.clb_tasks[key or ctx.request_id] = lb_ids


def render(ctx: ActionContext, lb: LoadBalancer, *, with_target_count: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LoadBalancerId": lb.load_balancer_id,
        "LoadBalancerName": lb.name,
        "LoadBalancerType": lb.lb_type,
        "Forward": 1,
        "Domain": "",
        "LoadBalancerVips": [lb.vip],
        "Status": 1,
        "CreateTime": clb_time(lb.created_at),
        "StatusTime": clb_time(lb.created_at),
        "ProjectId": lb.project_id,
        "VpcId": lb.vpc_id,
        "OpenBgp": 0,
        "Snat": False,
        "Isolation": 0,
        "SubnetId": lb.subnet_id or "",
        "Tags": [dict(t) for t in lb.tags],
        "SecureGroups": [],
        "TargetRegionInfo": {"Region": ctx.region.name, "VpcId": lb.vpc_id},
        "AddressIPVersion": "ipv4",
        "VipIsp": "BGP" if lb.lb_type == "OPEN" else "INTERNAL",
        "ChargeType": "POSTPAID_BY_HOUR",
        "IsDDos": False,
        "LoadBalancerPassToTarget": True,
        "SnatPro": False,
        "SnatIps": [],
        "SlaType": "shared",
        "IsBlock": False,
        "LocalBgp": False,
        "MixIpTarget": False,
        "AttributeFlags": [],
        "LoadBalancerDomain": "",
        "Egress": "",
        "Exclusive": 0,
    }
    if with_target_count:
        out["TargetCount"] = sum(
            len(listener.targets) + sum(len(rule.targets) for rule in listener.rules.values())
            for listener in lb.listeners.values()
        )
    return out


def _vip(ctx: ActionContext, lb_type: str, subnet_id: str | None) -> str:
    if lb_type == "INTERNAL" and subnet_id:
        return ctx.region.subnets[subnet_id].allocate_ip()
    number = len(ctx.region.load_balancers) + 1
    return f"203.0.113.{number % 250 + 1}"  # TEST-NET-3: documentation addresses


@SERVICE.action("CreateLoadBalancer")
def create_load_balancer(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb_type = p.need_text("LoadBalancerType", choices=("OPEN", "INTERNAL"))
    forward = p.integer("Forward", default=1)
    if forward != 1:
        raise ApiError(
            "InvalidParameterValue", "Only `Forward` = 1 (application CLB) can be created."
        )
    name = p.text("LoadBalancerName", max_len=80)
    vpc_id = p.text("VpcId")
    subnet_id = p.text("SubnetId")
    if lb_type == "INTERNAL" and not (vpc_id and subnet_id):
        raise ApiError("MissingParameter", "An INTERNAL CLB needs `VpcId` and `SubnetId`.")
    if vpc_id is None:
        if not ctx.region.vpcs:
            raise ApiError("MissingParameter", "The region has no default VPC; pass `VpcId`.")
        vpc_id = next(iter(ctx.region.vpcs))
    if vpc_id not in ctx.region.vpcs:
        raise ApiError("InvalidParameterValue", f"The VPC `{vpc_id}` does not exist.")
    if subnet_id is not None:
        subnet = ctx.region.subnets.get(subnet_id)
        if subnet is None or subnet.vpc_id != vpc_id:
            raise ApiError(
                "InvalidParameterValue", f"The subnet `{subnet_id}` is not in `{vpc_id}`."
            )
    number = p.integer("Number", default=1, lo=1, hi=20)
    tags = []
    for tag in p.objs("Tags", max_items=20) or []:
        tags.append({"TagKey": tag.need_text("TagKey"), "TagValue": tag.text("TagValue") or ""})
    project_id = p.integer("ProjectId", default=0, lo=0) or 0
    extra = {key: p.raw(key) for key in PASSTHROUGH if p.has(key)}
    assert lb_type is not None
    assert number is not None
    p.finish()
    taken = {lb.name for lb in ctx.region.load_balancers.values()}
    ids = []
    for _ in range(number):
        lb_id = ctx.world.ids.new("lb")
        # A single CLB takes the requested name unless taken; the API then generates one.
        lb_name = name if name and number == 1 and name not in taken else f"CLB-{lb_id}"
        ctx.region.load_balancers[lb_id] = LoadBalancer(
            load_balancer_id=lb_id,
            name=lb_name,
            lb_type=lb_type,
            vpc_id=vpc_id,
            subnet_id=subnet_id,
            project_id=project_id,
            vip=_vip(ctx, lb_type, subnet_id),
            created_at=ctx.now,
            tags=tags,
            seq=ctx.world.next_seq(),
            extra=extra,
        )
        ids.append(lb_id)
    deal_name = f"sandbox{ctx.world.next_seq():08d}"
    record_task(ctx, ids)
    record_task(ctx, ids, deal_name)
    return {"LoadBalancerIds": ids, "DealName": deal_name}


@SERVICE.action("DeleteLoadBalancer")
def delete_load_balancer(ctx: ActionContext, p: Params) -> dict[str, Any]:
    ids = p.texts("LoadBalancerIds", required=True, max_items=20) or []
    p.boolean("ForceDelete")
    for lb_id in ids:
        lookups.load_balancer(ctx, lb_id)
    p.finish()
    for lb_id in ids:
        del ctx.region.load_balancers[lb_id]
    record_task(ctx, ids)
    return {}


@SERVICE.action("DescribeLoadBalancers")
def describe_load_balancers(ctx: ActionContext, p: Params) -> dict[str, Any]:
    ids = p.texts("LoadBalancerIds", max_items=20)
    lb_type = p.text("LoadBalancerType", choices=("OPEN", "INTERNAL"))
    forward = p.integer("Forward")
    name = p.text("LoadBalancerName")
    p.text("Domain")
    vips = p.texts("LoadBalancerVips")
    p.texts("BackendPublicIps")
    backend_ips = p.texts("BackendPrivateIps")
    order_by = p.text(
        "OrderBy",
        default="CreateTime",
        choices=("LoadBalancerName", "CreateTime", "Domain", "LoadBalancerType"),
    )
    order_type = p.integer("OrderType", default=1, lo=0, hi=1)
    search = p.text("SearchKey")
    project_id = p.integer("ProjectId")
    with_rs = p.integer("WithRs", default=-1, lo=-1, hi=1)
    vpc_id = p.text("VpcId")
    p.text("SecurityGroup")
    p.text("MasterZone")
    filters = read_filters(
        p,
        allowed=("tag-key",),
        tag_prefix=True,
        max_values=100,
        code="InvalidParameter.InvalidFilter",
    )
    fields = p.texts("AdditionalFields") or []

    def backend_private_ips(lb: LoadBalancer) -> set[str]:
        out = set()
        for listener in lb.listeners.values():
            bound = list(listener.targets) + [t for r in listener.rules.values() for t in r.targets]
            for backend in bound:
                instance = ctx.world.find_instance(backend.instance_id)
                if instance is not None:
                    out.add(instance.private_ip)
        return out

    def tag_values(lb: LoadBalancer, filter_name: str) -> list[str]:
        if filter_name == "tag-key":
            return [t["TagKey"] for t in lb.tags]
        return [t["TagValue"] for t in lb.tags if t["TagKey"] == filter_name[4:]]

    def keep(lb: LoadBalancer) -> bool:
        checks = [
            ids is None or lb.load_balancer_id in ids,
            lb_type is None or lb.lb_type == lb_type,
            forward in (None, -1, 1),
            name is None or name in lb.name,
            not vips or lb.vip in vips,
            not backend_ips or bool(backend_private_ips(lb).intersection(backend_ips)),
            search is None or any(search in v for v in (lb.name, lb.load_balancer_id, lb.vip)),
            project_id is None or lb.project_id == project_id,
            vpc_id is None or lb.vpc_id == vpc_id,
            with_rs == -1 or (with_rs == 1) == bool(backend_private_ips(lb)),
        ]
        return all(checks) and matches(filters, lambda f: tag_values(lb, f))

    found = [lb for lb in ctx.region.load_balancers.values() if keep(lb)]
    key = {
        "LoadBalancerName": lambda lb: lb.name,
        "LoadBalancerType": lambda lb: lb.lb_type,
        "Domain": lambda lb: lb.name,
        "CreateTime": lambda lb: lb.seq,
    }[order_by or "CreateTime"]
    found.sort(key=key, reverse=order_type == 1)
    total, shown = page(p, found)
    with_count = "TargetCount" in fields
    return {
        "TotalCount": total,
        "LoadBalancerSet": [render(ctx, lb, with_target_count=with_count) for lb in shown],
    }


@SERVICE.action("DescribeTaskStatus")
def describe_task_status(ctx: ActionContext, p: Params) -> dict[str, Any]:
    task_id = p.text("TaskId")
    deal_name = p.text("DealName")
    key = task_id or deal_name
    if not key:
        raise ApiError("MissingParameter", "One of `TaskId` and `DealName` is required.")
    if key not in ctx.region.clb_tasks:
        raise ApiError("ResourceNotFound", f"The task `{key}` does not exist.")
    return {"Status": 0, "LoadBalancerIds": ctx.region.clb_tasks[key], "Message": ""}
