"""Resolving the CLB resources a request names, with CLB's own error codes."""

from __future__ import annotations

import re

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.model import Backend, Listener, LoadBalancer, Rule
from sandbox.tencentcloud.params import Params

LB_ID = re.compile(r"^lb-[a-z0-9]+$")


def load_balancer(ctx: ActionContext, lb_id: str) -> LoadBalancer:
    found = ctx.region.load_balancers.get(lb_id)
    if not LB_ID.match(lb_id) or found is None:
        raise ApiError(
            "InvalidParameter.LBIdNotFound", f"The load balancer `{lb_id}` does not exist."
        )
    return found


def listener(lb: LoadBalancer, listener_id: str) -> Listener:
    found = lb.listeners.get(listener_id)
    if found is None:
        raise ApiError(
            "InvalidParameter.ListenerIdNotFound",
            f"The listener `{listener_id}` does not exist on `{lb.load_balancer_id}`.",
        )
    return found


def rule_of(
    listener_: Listener, location_id: str | None, domain: str | None, url: str | None
) -> Rule:
    if location_id:
        found = listener_.rules.get(location_id)
    else:
        found = next(
            (r for r in listener_.rules.values() if r.domain == domain and r.url == url), None
        )
    if found is None:
        raise ApiError(
            "InvalidParameter.LocationNotFound",
            f"The forwarding rule `{location_id or (domain, url)}` does not exist.",
        )
    return found


def backends(lb: LoadBalancer, p: Params, *, listener_field: str = "ListenerId") -> list[Backend]:
    """The target list a Register/Deregister/ModifyTargetWeight-style request addresses."""
    found = listener(lb, p.need_text(listener_field))
    location_id, domain, url = p.text("LocationId"), p.text("Domain"), p.text("Url")
    if not found.layer7:
        return found.targets
    if not location_id and not (domain and url):
        raise ApiError(
            "MissingParameter",
            "A layer-7 listener needs `LocationId`, or `Domain` and `Url`, to address a rule.",
        )
    return rule_of(found, location_id, domain, url).targets
