"""Resources requests may reference but no simulated action creates: VPCs, subnets, security
groups, images, and the default demo CLB."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.tencentcloud.clb.listeners import HEALTH_CHECK_DEFAULTS
from sandbox.tencentcloud.model import (
    Image,
    Listener,
    LoadBalancer,
    RegionState,
    Rule,
    SecurityGroup,
    Subnet,
    Vpc,
)
from sandbox.tencentcloud.world import World

DEFAULT_REGIONS = ("ap-guangzhou", "ap-shanghai", "ap-beijing")

DEFAULT_VPC = "vpc-sandbox1"
DEFAULT_SUBNETS = ("subnet-sandbox1", "subnet-sandbox2")
DEFAULT_SECURITY_GROUP = "sg-sandbox1"
DEFAULT_IMAGES = {
    "img-demo0001": "demo app v1",
    "img-demo0002": "demo app v2",
    "img-demo0003": "demo app v3",
    "img-demobroken": "demo app, broken build (never passes health checks)",
}
DEFAULT_LOAD_BALANCER = "lb-sandbox1"
DEFAULT_HTTP_LISTENER = "lbl-sandbox1"  # HTTP :80, one rule
DEFAULT_LOCATION = "loc-sandbox1"  # demo.sandbox.local /
DEFAULT_TCP_LISTENER = "lbl-sandbox2"  # TCP :8080


def zones_for(region: str) -> list[str]:
    return [f"{region}-{n}" for n in (1, 2, 3)]


def _regions(world: World, regions: Iterable[str] | None) -> list[RegionState]:
    names = list(world.regions) if regions is None else list(regions)
    return [world.regions[name] for name in names]


def add_vpc(
    world: World,
    vpc_id: str,
    *,
    name: str = "",
    cidr: str = "10.0.0.0/16",
    regions: Iterable[str] | None = None,
) -> str:
    with world.lock:
        world.ids.reserve(vpc_id)
        for region in _regions(world, regions):
            region.vpcs[vpc_id] = Vpc(vpc_id, name or vpc_id, cidr)
    return vpc_id


def add_subnet(
    world: World,
    subnet_id: str,
    *,
    vpc_id: str,
    cidr: str,
    zone_index: int = 0,
    name: str = "",
    regions: Iterable[str] | None = None,
) -> str:
    with world.lock:
        world.ids.reserve(subnet_id)
        for region in _regions(world, regions):
            if vpc_id not in region.vpcs:
                raise KeyError(f"no VPC {vpc_id} in {region.name}")
            zone = region.zones[zone_index % len(region.zones)]
            region.subnets[subnet_id] = Subnet(subnet_id, vpc_id, zone, cidr, name or subnet_id)
    return subnet_id


def add_security_group(
    world: World, security_group_id: str, *, name: str = "", regions: Iterable[str] | None = None
) -> str:
    with world.lock:
        world.ids.reserve(security_group_id)
        for region in _regions(world, regions):
            region.security_groups[security_group_id] = SecurityGroup(
                security_group_id, name or security_group_id
            )
    return security_group_id


def add_image(
    world: World, image_id: str, *, name: str = "", regions: Iterable[str] | None = None
) -> str:
    """An id ending in `broken` gives instances that never pass a health check."""
    with world.lock:
        world.ids.reserve(image_id)
        for region in _regions(world, regions):
            region.images[image_id] = Image(image_id, name or image_id)
    return image_id


def add_load_balancer(
    world: World,
    region: str,
    *,
    load_balancer_id: str | None = None,
    name: str = "",
    vpc_id: str = DEFAULT_VPC,
    lb_type: str = "OPEN",
    tags: dict[str, str] | None = None,
) -> str:
    with world.lock:
        state = world.regions[region]
        if vpc_id not in state.vpcs:
            raise KeyError(f"no VPC {vpc_id} in {region}")
        lb_id = load_balancer_id or world.ids.new("lb")
        world.ids.reserve(lb_id)
        state.load_balancers[lb_id] = LoadBalancer(
            load_balancer_id=lb_id,
            name=name or lb_id,
            lb_type=lb_type,
            vpc_id=vpc_id,
            subnet_id=None,
            project_id=0,
            vip=f"198.51.100.{len(state.load_balancers) % 250 + 1}",  # TEST-NET-2
            created_at=world.now,
            tags=[{"TagKey": k, "TagValue": v} for k, v in (tags or {}).items()],
            seq=world.next_seq(),
        )
    return lb_id


def add_listener(
    world: World,
    region: str,
    load_balancer_id: str,
    *,
    protocol: str,
    port: int,
    listener_id: str | None = None,
    name: str = "",
) -> str:
    with world.lock:
        lb = world.regions[region].load_balancers[load_balancer_id]
        ident = listener_id or world.ids.new("lbl")
        world.ids.reserve(ident)
        check: dict[str, Any] = HEALTH_CHECK_DEFAULTS | {
            "CheckType": "HTTP" if protocol in ("HTTP", "HTTPS") else "TCP"
        }
        lb.listeners[ident] = Listener(
            listener_id=ident,
            protocol=protocol,
            port=port,
            name=name or f"{protocol}:{port}",
            created_at=world.now,
            health_check=check,
            default_location_id=world.ids.new("loc"),
        )
    return ident


def add_rule(
    world: World,
    region: str,
    load_balancer_id: str,
    listener_id: str,
    *,
    domain: str,
    url: str = "/",
    location_id: str | None = None,
) -> str:
    with world.lock:
        listener = world.regions[region].load_balancers[load_balancer_id].listeners[listener_id]
        if not listener.layer7:
            raise ValueError("rules only exist on HTTP/HTTPS listeners")
        ident = location_id or world.ids.new("loc")
        world.ids.reserve(ident)
        listener.rules[ident] = Rule(
            location_id=ident,
            domain=domain,
            url=url,
            created_at=world.now,
            health_check=HEALTH_CHECK_DEFAULTS | {"CheckType": "HTTP"},
        )
    return ident


def seed_defaults(world: World) -> None:
    """The demo's starting point, in every region (ids are the same in each region)."""
    add_vpc(world, DEFAULT_VPC, name="Default-VPC")
    add_subnet(world, DEFAULT_SUBNETS[0], vpc_id=DEFAULT_VPC, cidr="10.0.1.0/24", zone_index=0)
    add_subnet(world, DEFAULT_SUBNETS[1], vpc_id=DEFAULT_VPC, cidr="10.0.2.0/24", zone_index=1)
    add_security_group(world, DEFAULT_SECURITY_GROUP, name="default")
    for image_id, name in DEFAULT_IMAGES.items():
        add_image(world, image_id, name=name)
    for region in world.regions:
        add_load_balancer(world, region, load_balancer_id=DEFAULT_LOAD_BALANCER, name="demo-clb")
        add_listener(
            world,
            region,
            DEFAULT_LOAD_BALANCER,
            protocol="HTTP",
            port=80,
            listener_id=DEFAULT_HTTP_LISTENER,
            name="http",
        )
        add_rule(
            world,
            region,
            DEFAULT_LOAD_BALANCER,
            DEFAULT_HTTP_LISTENER,
            domain="demo.sandbox.local",
            url="/",
            location_id=DEFAULT_LOCATION,
        )
        add_listener(
            world,
            region,
            DEFAULT_LOAD_BALANCER,
            protocol="TCP",
            port=8080,
            listener_id=DEFAULT_TCP_LISTENER,
            name="tcp",
        )
