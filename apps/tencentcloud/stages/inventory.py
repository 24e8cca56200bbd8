"""Reads: a cluster's server groups, their instances, CLB health and latest activity."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.tencentcloud.stages import naming
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.model import Instance, ServerGroup

# Spinnaker's dynamic targets, plus their non-dynamic spellings (both resolve at run time here).
TARGETS = {
    "current_asg_dynamic": "current",
    "current_asg": "current",
    "ancestor_asg_dynamic": "ancestor",
    "ancestor_asg": "ancestor",
    "oldest_asg_dynamic": "oldest",
    "oldest_asg": "oldest",
    "largest_asg_dynamic": "largest",
    "largest_asg": "largest",
}
FAILED_ACTIVITY_STATUSES = ("FAILED", "PARTIALLY_SUCCESSFUL", "CANCELLED")


def _groups(api: CloudApi, filters: list[dict[str, Any]]) -> list[ServerGroup]:
    return [
        ServerGroup.from_api(item, api.region)
        for item in api.pages(
            "DescribeAutoScalingGroups", {"Filters": filters}, "AutoScalingGroupSet"
        )
    ]


def list_cluster(api: CloudApi, cluster: str) -> list[ServerGroup]:
    """The cluster's server groups in this region, oldest first."""
    found = _groups(api, [{"Name": "vague-auto-scaling-group-name", "Values": [cluster]}])
    members = [group for group in found if naming.in_cluster(group.name, cluster)]
    return sorted(members, key=lambda group: group.sort_key)


def list_application(api: CloudApi, application: str) -> list[ServerGroup]:
    found = _groups(api, [{"Name": "vague-auto-scaling-group-name", "Values": [application]}])
    members = [group for group in found if naming.parse(group.name).app == application]
    return sorted(members, key=lambda group: (group.cluster, group.sort_key))


def find(api: CloudApi, name: str) -> ServerGroup | None:
    found = _groups(api, [{"Name": "auto-scaling-group-name", "Values": [name]}])
    return next((group for group in found if group.name == name), None)


def resolve_target(groups: Sequence[ServerGroup], target: str) -> ServerGroup | None:
    """Spinnaker's target selection over a cluster's groups (given oldest first)."""
    kind = TARGETS.get(target)
    if kind is None:
        raise ValueError(f"unknown target {target!r}; use one of {', '.join(sorted(TARGETS))}")
    if not groups:
        return None
    if kind == "current":
        return groups[-1]
    if kind == "ancestor":
        return groups[-2] if len(groups) > 1 else None
    if kind == "oldest":
        return groups[0]
    return max(reversed(groups), key=lambda group: group.instance_count)


def instances(api: CloudApi, group_id: str) -> list[Instance]:
    return [
        Instance.from_api(item)
        for item in api.pages(
            "DescribeAutoScalingInstances",
            {"Filters": [{"Name": "auto-scaling-group-id", "Values": [group_id]}]},
            "AutoScalingInstanceSet",
        )
    ]


@dataclass(frozen=True)
class ClbTarget:
    """One registration of an instance on a bound listener (or layer-7 rule)."""

    load_balancer_id: str
    listener_id: str
    location_id: str
    port: int
    weight: int
    healthy: bool


def clb_targets(
    api: CloudApi, group: ServerGroup, members: Iterable[str] | None = None
) -> dict[str, list[ClbTarget]]:
    """Instance id -> its registrations on the group's bindings, with CLB's health verdict.

    Listeners are shared (the old and the new group behind one rule), so pass `members` to keep
    only this group's instances."""
    keep = set(members) if members is not None else None
    out: dict[str, list[ClbTarget]] = {}
    wanted: dict[str, dict[str, set[str]]] = {}
    for binding in group.bindings:
        if binding.region and binding.region != api.region:
            continue  # a CLB in another region is bound by Auto Scaling; not read from here
        listeners = wanted.setdefault(binding.load_balancer_id, {})
        listeners.setdefault(binding.listener_id, set()).add(binding.location_id)
    for lb_id, listeners in wanted.items():
        reply = api.clb(
            "DescribeTargetHealth", {"LoadBalancerIds": [lb_id], "ListenerIds": sorted(listeners)}
        )
        for lb in reply.get("LoadBalancers") or []:
            for listener in lb.get("Listeners") or []:
                listener_id = str(listener.get("ListenerId") or "")
                locations = listeners.get(listener_id)
                if locations is None:
                    continue
                for rule in listener.get("Rules") or []:
                    location = str(rule.get("LocationId") or "")
                    # A layer-4 binding names no location; its listener reports an implicit one.
                    if location not in locations and "" not in locations:
                        continue
                    for target in rule.get("Targets") or []:
                        instance_id = str(target.get("TargetId") or "")
                        if keep is not None and instance_id not in keep:
                            continue
                        out.setdefault(instance_id, []).append(
                            ClbTarget(
                                load_balancer_id=lb_id,
                                listener_id=listener_id,
                                location_id="" if "" in locations else location,
                                port=int(target.get("Port") or 0),
                                weight=int(target.get("Weight") or 0),
                                healthy=bool(target.get("HealthStatus")),
                            )
                        )
    return out


def latest_activity(
    api: CloudApi, group_id: str, activity_type: str = "SCALE_OUT"
) -> dict[str, Any] | None:
    """The group's newest activity of a type (newest first is the API's order)."""
    reply = api.autoscaling(
        "DescribeAutoScalingActivities",
        {
            "Filters": [
                {"Name": "auto-scaling-group-id", "Values": [group_id]},
                {"Name": "activity-type", "Values": [activity_type]},
            ],
            "Limit": 1,
        },
    )
    activities = reply.get("ActivitySet") or []
    return activities[0] if activities else None


def latest_activity_id(api: CloudApi, group_id: str) -> str:
    found = latest_activity(api, group_id)
    return str(found.get("ActivityId") or "") if found else ""


def activity(api: CloudApi, activity_id: str) -> dict[str, Any] | None:
    reply = api.autoscaling("DescribeAutoScalingActivities", {"ActivityIds": [activity_id]})
    found = reply.get("ActivitySet") or []
    return found[0] if found else None


@dataclass
class Health:
    """How far a group is from serving its desired capacity."""

    desired: int
    healthy: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    present: int = 0  # instances not leaving
    leaving: int = 0
    activity_failure: str = ""

    def required(self, percentage: float = 100) -> int:
        return math.ceil(self.desired * max(0.0, min(percentage, 100.0)) / 100)

    def as_dict(self) -> dict[str, Any]:
        return {
            "desired": self.desired,
            "healthy": len(self.healthy),
            "failed": list(self.failed),
            "present": self.present,
            "leaving": self.leaving,
        }


def health(
    api: CloudApi,
    group: ServerGroup,
    *,
    since_activity: str | None = None,
    activity_id: str | None = None,
) -> Health:
    """Instances healthy in Auto Scaling *and* in every bound CLB listener.

    An activity that failed (the one named, or the latest one newer than `since_activity`) is
    reported with its status message."""
    members = instances(api, group.group_id)
    checked = any(not b.region or b.region == api.region for b in group.bindings)
    clb = clb_targets(api, group, [i.instance_id for i in members]) if checked else {}
    report = Health(desired=group.capacity.desired)
    for instance in members:
        if instance.leaving:
            report.leaving += 1
            continue
        report.present += 1
        registrations = clb.get(instance.instance_id, [])
        in_clb = not checked or (
            bool(registrations) and all(target.healthy for target in registrations)
        )
        if instance.healthy and in_clb:
            report.healthy.append(instance.instance_id)
        elif instance.failed:
            report.failed.append(instance.instance_id)
    found = activity(api, activity_id) if activity_id else latest_activity(api, group.group_id)
    if (
        found is not None
        and found.get("ActivityId") != since_activity
        and found.get("StatusCode") in FAILED_ACTIVITY_STATUSES
        and found.get("ActivityType") == "SCALE_OUT"
    ):
        report.activity_failure = (
            f"activity {found.get('ActivityId')} {found.get('StatusCode')}: "
            f"{found.get('StatusMessage') or found.get('Cause') or ''}".strip()
        )
    return report


def names(groups: Iterable[ServerGroup]) -> list[str]:
    return [group.name for group in groups]
