"""CLB listener and forwarding-rule actions: create, describe, delete."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.clb import lookups
from sandbox.tencentcloud.clb.load_balancers import record_task
from sandbox.tencentcloud.clb.service import SERVICE
from sandbox.tencentcloud.clock import clb_time
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.model import Listener, LoadBalancer, Rule
from sandbox.tencentcloud.params import Params

PROTOCOLS = ("TCP", "UDP", "HTTP", "HTTPS", "TCP_SSL", "QUIC")
_UDP_FAMILY = ("UDP", "QUIC")

HEALTH_CHECK_DEFAULTS: dict[str, Any] = {
    "HealthSwitch": 1,
    "TimeOut": 2,
    "IntervalTime": 5,
    "HealthNum": 3,
    "UnHealthNum": 3,
    "HttpCode": 31,
    "HttpCheckPath": "/",
    "HttpCheckDomain": "",
    "HttpCheckMethod": "HEAD",
    "CheckPort": -1,
    "SourceIpType": 0,
}

# CreateListener options the sandbox accepts and echoes where DescribeListeners has them.
LISTENER_PASSTHROUGH = (
    "SniSwitch",
    "TargetType",
    "SessionType",
    "KeepaliveEnable",
    "EndPort",
    "DeregisterTargetRst",
    "MaxConn",
    "MaxCps",
    "IdleConnectTimeout",
    "ProxyProtocol",
    "SnatEnable",
    "FullEndPorts",
    "H2cSwitch",
    "SslCloseSwitch",
    "DataCompressMode",
    "RescheduleTargetZeroWeight",
    "RescheduleUnhealthy",
    "RescheduleExpandTarget",
    "RescheduleStartTime",
    "RescheduleInterval",
)
RULE_PASSTHROUGH = (
    "Certificate",
    "Http2",
    "TargetType",
    "TrpcCallee",
    "TrpcFunc",
    "Quic",
    "MultiCertInfo",
    "CookieName",
)


def _health_check(p: Params, protocol: str) -> dict[str, Any]:
    given = p.raw("HealthCheck") or {}
    check = HEALTH_CHECK_DEFAULTS | {
        "CheckType": "HTTP" if protocol in ("HTTP", "HTTPS") else "TCP"
    }
    return check | (given if isinstance(given, dict) else {})


def render_rule(listener: Listener, rule: Rule) -> dict[str, Any]:
    return {
        "LocationId": rule.location_id,
        "Domain": rule.domain,
        "Url": rule.url,
        "SessionExpireTime": rule.session_expire_time,
        "HealthCheck": rule.health_check,
        "Certificate": None,
        "Scheduler": rule.scheduler,
        "ListenerId": listener.listener_id,
        "RewriteTarget": None,
        "HttpGzip": True,
        "BeAutoCreated": False,
        "DefaultServer": rule.default_server,
        "Http2": False,
        "ForwardType": rule.forward_type,
        "CreateTime": clb_time(rule.created_at),
        "TargetType": "NODE",
        "TargetGroup": None,
        "WafDomainId": "",
        "TrpcCallee": "",
        "TrpcFunc": "",
        "QuicStatus": "",
        "Domains": [rule.domain],
        "TargetGroupList": [],
        "OAuth": None,
        "CookieName": "",
    }


def render(listener: Listener) -> dict[str, Any]:
    return {
        "ListenerId": listener.listener_id,
        "Protocol": listener.protocol,
        "Port": listener.port,
        "Certificate": listener.certificate,
        "HealthCheck": None if listener.layer7 else listener.health_check,
        "Scheduler": None if listener.layer7 else listener.scheduler,
        "SessionExpireTime": None if listener.layer7 else listener.session_expire_time,
        "SniSwitch": listener.extra.get("SniSwitch", 0),
        "Rules": [render_rule(listener, r) for r in listener.rules.values()]
        if listener.layer7
        else None,
        "ListenerName": listener.name,
        "CreateTime": clb_time(listener.created_at),
        "EndPort": listener.extra.get("EndPort", 0),
        "TargetType": listener.extra.get("TargetType", "NODE"),
        "TargetGroup": None,
        "SessionType": listener.extra.get("SessionType", "NORMAL"),
        "KeepaliveEnable": listener.extra.get("KeepaliveEnable", 0),
        "Toa": False,
        "DeregisterTargetRst": listener.extra.get("DeregisterTargetRst", False),
        "AttrFlags": [],
        "TargetGroupList": [],
        "MaxConn": listener.extra.get("MaxConn", -1),
        "MaxCps": listener.extra.get("MaxCps", -1),
        "IdleConnectTimeout": listener.extra.get("IdleConnectTimeout", 900),
        "RescheduleInterval": listener.extra.get("RescheduleInterval", 0),
        "DataCompressMode": listener.extra.get("DataCompressMode", "transparent"),
        "RescheduleStartTime": listener.extra.get("RescheduleStartTime", 0),
    }


def _port_taken(lb: LoadBalancer, port: int, protocol: str) -> bool:
    udp = protocol in _UDP_FAMILY
    return any(
        listener.port == port and (listener.protocol in _UDP_FAMILY) == udp
        for listener in lb.listeners.values()
    )


@SERVICE.action("CreateListener")
def create_listener(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    ports = p.integers("Ports", required=True) or []
    protocol = p.need_text("Protocol", choices=PROTOCOLS)
    names = p.texts("ListenerNames")
    if names is not None and len(names) != len(ports):
        raise ApiError(
            "InvalidParameterValue.Length", "`ListenerNames` must match `Ports` one to one."
        )
    certificate = p.raw("Certificate")
    multi_cert = p.raw("MultiCertInfo")
    sni = p.integer("SniSwitch", default=0, lo=0, hi=1)
    if protocol in ("HTTPS", "TCP_SSL") and not sni and not (certificate or multi_cert):
        raise ApiError(
            "MissingParameter", f"A {protocol} listener needs `Certificate` or `MultiCertInfo`."
        )
    health_check = _health_check(p, protocol)
    scheduler = p.text("Scheduler", default="WRR", choices=("WRR", "LEAST_CONN"))
    session = p.integer("SessionExpireTime", default=0, lo=0, hi=3600)
    extra = {key: p.raw(key) for key in LISTENER_PASSTHROUGH if p.has(key)}
    for port in ports:
        if not 1 <= port <= 65535:
            raise ApiError("InvalidParameterValue.Range", f"The port {port} is outside [1, 65535].")
        if _port_taken(lb, port, protocol) or ports.count(port) > 1:
            raise ApiError(
                "InvalidParameter.PortCheckFailed", f"The port {port} is already in use."
            )
    p.finish()
    ids = []
    for index, port in enumerate(ports):
        listener = Listener(
            listener_id=ctx.world.ids.new("lbl"),
            protocol=protocol,
            port=port,
            name=names[index] if names else f"{protocol}:{port}",
            created_at=ctx.now,
            health_check=health_check,
            scheduler=scheduler or "WRR",
            session_expire_time=session or 0,
            certificate=certificate,
            default_location_id=ctx.world.ids.new("loc"),
            extra=extra,
        )
        lb.listeners[listener.listener_id] = listener
        ids.append(listener.listener_id)
    record_task(ctx, [lb.load_balancer_id])
    return {"ListenerIds": ids}


@SERVICE.action("DescribeListeners")
def describe_listeners(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    ids = p.texts("ListenerIds")
    protocol = p.text("Protocol", choices=PROTOCOLS)
    port = p.integer("Port")
    found = [
        listener
        for listener in lb.listeners.values()
        if (ids is None or listener.listener_id in ids)
        and (protocol is None or listener.protocol == protocol)
        and (port is None or listener.port == port)
    ]
    return {"Listeners": [render(listener) for listener in found], "TotalCount": len(found)}


@SERVICE.action("DeleteListener")
def delete_listener(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    listener = lookups.listener(lb, p.need_text("ListenerId"))
    p.finish()
    del lb.listeners[listener.listener_id]
    record_task(ctx, [lb.load_balancer_id])
    return {}


@SERVICE.action("CreateRule")
def create_rule(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    listener = lookups.listener(lb, p.need_text("ListenerId"))
    if not listener.layer7:
        raise ApiError(
            "InvalidParameter.ProtocolCheckFailed",
            "Forwarding rules only exist on HTTP/HTTPS listeners.",
        )
    new_rules: list[Rule] = []
    for item in p.objs("Rules", required=True, max_items=50) or []:
        domains = item.texts("Domains") or []
        domain = item.text("Domain") or (domains[0] if domains else None)
        if not domain:
            raise ApiError("MissingParameter", f"`{item.path('Domain')}` is required.")
        url = item.need_text("Url", max_len=200)
        taken = [(r.domain, r.url) for r in list(listener.rules.values()) + new_rules]
        if (domain, url) in taken:
            raise ApiError(
                "InvalidParameterValue.Duplicate", f"The rule {domain}{url} already exists."
            )
        for key in RULE_PASSTHROUGH:
            item.raw(key)
        new_rules.append(
            Rule(
                location_id=ctx.world.ids.new("loc"),
                domain=domain,
                url=url,
                created_at=ctx.now,
                health_check=_health_check(item, listener.protocol),
                scheduler=item.text(
                    "Scheduler", default="WRR", choices=("WRR", "LEAST_CONN", "IP_HASH")
                )
                or "WRR",
                session_expire_time=item.integer("SessionExpireTime", default=0, lo=0, hi=86400)
                or 0,
                forward_type=item.text("ForwardType", default="HTTP") or "HTTP",
                default_server=bool(item.boolean("DefaultServer", default=False)),
            )
        )
    p.finish()
    for rule in new_rules:
        listener.rules[rule.location_id] = rule
    record_task(ctx, [lb.load_balancer_id])
    return {"LocationIds": [rule.location_id for rule in new_rules]}


@SERVICE.action("DeleteRule")
def delete_rule(ctx: ActionContext, p: Params) -> dict[str, Any]:
    lb = lookups.load_balancer(ctx, p.need_text("LoadBalancerId"))
    listener = lookups.listener(lb, p.need_text("ListenerId"))
    location_ids = p.texts("LocationIds") or []
    domain, url = p.text("Domain"), p.text("Url")
    p.text("NewDefaultServerDomain")
    if location_ids:
        doomed = [lookups.rule_of(listener, loc, None, None) for loc in location_ids]
    else:
        doomed = [lookups.rule_of(listener, None, domain, url)]
    p.finish()
    for rule in doomed:
        del listener.rules[rule.location_id]
    record_task(ctx, [lb.load_balancer_id])
    return {}
