"""Reading scaling activities: DescribeAutoScalingActivities and the per-group latest one."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clock import iso_utc, parse_iso_utc
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import ids_or_filters, matches, page, read_filters
from sandbox.tencentcloud.model import Activity
from sandbox.tencentcloud.params import Params


def render(activity: Activity) -> dict[str, Any]:
    related = [{"InstanceId": i, "InstanceStatus": s} for i, s in activity.instances.items()]
    return {
        "AutoScalingGroupId": activity.group_id,
        "ActivityId": activity.activity_id,
        "ActivityType": activity.activity_type,
        "StatusCode": activity.status,
        "StatusMessage": activity.status_message,
        "Cause": activity.cause,
        "Description": activity.description,
        "StartTime": iso_utc(activity.created_at),
        "EndTime": iso_utc(activity.end_time),
        "CreatedTime": iso_utc(activity.created_at),
        "ActivityRelatedInstanceSet": related,
        "StatusMessageSimplified": (
            "Instances failed the health check." if activity.details else activity.status_message
        ),
        "LifecycleActionResultSet": [],
        "DetailedStatusMessageSet": list(activity.details),
        "InvocationResultSet": [],
        "RelatedInstanceSet": related,
    }


def _time(p: Params, name: str) -> float | None:
    text = p.text(name)
    if text is None:
        return None
    when = parse_iso_utc(text)
    if when is None:
        raise ApiError(
            "InvalidParameterValue.TimeFormat", f"`{name}` must look like 2024-01-02T03:04:05Z."
        )
    return when


@SERVICE.action("DescribeAutoScalingActivities")
def describe_auto_scaling_activities(ctx: ActionContext, p: Params) -> dict[str, Any]:
    filters = read_filters(
        p, allowed=("auto-scaling-group-id", "activity-status-code", "activity-type", "activity-id")
    )
    ids = ids_or_filters(p, "ActivityIds", filters)
    start, end = _time(p, "StartTime"), _time(p, "EndTime")

    def field(activity: Activity, name: str) -> list[str]:
        return {
            "auto-scaling-group-id": [activity.group_id],
            "activity-status-code": [activity.status],
            "activity-type": [activity.activity_type],
            "activity-id": [activity.activity_id],
        }[name]

    def keep(activity: Activity) -> bool:
        if ids is not None:
            return activity.activity_id in ids
        if start is not None and activity.created_at < start:
            return False
        if end is not None and activity.end_time is not None and activity.end_time > end:
            return False
        return matches(filters, lambda name: field(activity, name))

    newest_first = sorted(ctx.region.activities.values(), key=lambda a: -a.seq)
    total, shown = page(p, [a for a in newest_first if keep(a)])
    return {"TotalCount": total, "ActivitySet": [render(a) for a in shown]}


@SERVICE.action("DescribeAutoScalingGroupLastActivities")
def describe_auto_scaling_group_last_activities(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group_ids = p.texts("AutoScalingGroupIds", required=True, max_items=100) or []
    exclude_cancelled = p.boolean("ExcludeCancelledActivity", default=False)
    out = []
    for group_id in group_ids:
        lookups.group(ctx, group_id)
        candidates = [
            a
            for a in ctx.region.group_activities(group_id)
            if not (exclude_cancelled and a.status == "CANCELLED")
        ]
        if candidates:
            out.append(render(max(candidates, key=lambda a: a.seq)))
    return {"ActivitySet": out}
