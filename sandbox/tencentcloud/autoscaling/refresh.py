"""Instance refresh actions: start, describe, stop (pause), resume, cancel, roll back."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.actions import ActionContext
from sandbox.tencentcloud.autoscaling import lookups
from sandbox.tencentcloud.autoscaling.service import SERVICE
from sandbox.tencentcloud.clock import iso_utc
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.listing import ids_or_filters, matches, page, read_filters
from sandbox.tencentcloud.model import IN_SERVICE, RefreshActivity, ScalingGroup
from sandbox.tencentcloud.params import Params
from sandbox.tencentcloud.simulation import refresh as engine

MODES = (engine.RESET, engine.REPLACE)


def _conflict(activity: RefreshActivity, operation: str) -> ApiError:
    return ApiError(
        "ResourceUnavailable.RefreshActivityStatusConflictWithOperation",
        f"Cannot {operation} refresh activity `{activity.refresh_activity_id}` in status"
        f" {activity.status}.",
    )


def _settings(p: Params, *, for_rollback: bool) -> dict[str, Any]:
    settings = p.obj("RefreshSettings", required=True)
    assert settings is not None
    rolling = settings.obj("RollingUpdateSettings", required=True)
    assert rolling is not None
    batch_number = rolling.integer("BatchNumber", required=True, lo=1)
    batch_pause = rolling.text(
        "BatchPause",
        default="AUTOMATIC",
        choices=("FIRST_BATCH_PAUSE", "BATCH_INTERVAL_PAUSE", "AUTOMATIC"),
    )
    max_surge = rolling.integer("MaxSurge", default=0, lo=0)
    if for_rollback and max_surge:
        raise ApiError("InvalidParameter.InScenario", "A rollback does not support `MaxSurge`.")
    fail_process = rolling.text(
        "FailProcess", default="AUTO_PAUSE", choices=("AUTO_PAUSE", "AUTO_ROLLBACK", "AUTO_CANCEL")
    )
    check = settings.boolean("CheckInstanceTargetHealth", default=False)
    timeout = settings.integer("CheckInstanceTargetHealthTimeout", default=1800, lo=60, hi=7200)
    return {
        "RollingUpdateSettings": {
            "BatchNumber": batch_number,
            "BatchPause": batch_pause,
            "MaxSurge": max_surge,
            "FailProcess": fail_process,
        },
        "CheckInstanceTargetHealth": check,
        "CheckInstanceTargetHealthTimeout": timeout,
    }


def _check_batches(settings: dict[str, Any], count: int) -> None:
    rolling = settings["RollingUpdateSettings"]
    if rolling["BatchNumber"] > count:
        raise ApiError(
            "InvalidParameterValue.BatchNumberTooLarge",
            f"BatchNumber {rolling['BatchNumber']} exceeds the {count} instance(s) to refresh.",
        )
    largest = -(-count // rolling["BatchNumber"])
    if rolling["MaxSurge"] > largest:
        raise ApiError(
            "InvalidParameterValue.MaxSurgeTooLarge",
            f"MaxSurge {rolling['MaxSurge']} exceeds the batch size {largest}.",
        )


def _no_other_refresh(group: ScalingGroup, allowed: str | None = None) -> None:
    if group.refresh_activity_id is not None and group.refresh_activity_id != allowed:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInRefreshActivity",
            f"The group is already in instance refresh `{group.refresh_activity_id}`.",
        )


def render(activity: RefreshActivity) -> dict[str, Any]:
    return {
        "AutoScalingGroupId": activity.group_id,
        "RefreshActivityId": activity.refresh_activity_id,
        "OriginRefreshActivityId": activity.origin_id or "",
        "RefreshBatchSet": [
            {
                "RefreshBatchNum": batch.number,
                "RefreshBatchStatus": batch.status,
                "RefreshBatchRelatedInstanceSet": [
                    {
                        "InstanceId": item.instance_id,
                        "InstanceStatus": item.status,
                        "LastActivityId": item.last_activity_id or "",
                        "InstanceStatusMessage": item.message,
                    }
                    for item in batch.items
                ],
                "StartTime": iso_utc(batch.start_time),
                "EndTime": iso_utc(batch.end_time),
            }
            for batch in activity.batches
        ],
        "RefreshMode": activity.mode,
        "RefreshSettings": activity.settings,
        "ActivityType": activity.activity_type,
        "Status": activity.status,
        "CurrentRefreshBatchNum": activity.current_batch,
        "StartTime": iso_utc(activity.start_time),
        "EndTime": iso_utc(activity.end_time),
        "CreatedTime": iso_utc(activity.created_at),
    }


@SERVICE.action("StartInstanceRefresh")
def start_instance_refresh(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    mode = p.text("RefreshMode", default=engine.RESET, choices=MODES)
    assert mode is not None
    settings = _settings(p, for_rollback=False)
    _no_other_refresh(group)
    if ctx.region.running_activity(group.group_id) is not None:
        raise ApiError(
            "ResourceUnavailable.AutoScalingGroupInActivity",
            "The auto scaling group has a scaling activity running.",
        )
    in_service = [
        i.instance_id
        for i in ctx.region.group_instances(group.group_id)
        if i.state == IN_SERVICE and not i.leaving
    ]
    if not in_service:
        raise ApiError(
            "ResourceUnavailable.NoInstanceCanRefresh",
            "The auto scaling group has no IN_SERVICE instance to refresh.",
        )
    _check_batches(settings, len(in_service))
    batches = engine.split_batches(in_service, settings["RollingUpdateSettings"]["BatchNumber"])
    p.finish()
    activity = engine.create(
        ctx.world, ctx.region, group, mode=mode, settings=settings, batches=batches
    )
    return {"RefreshActivityId": activity.refresh_activity_id}


@SERVICE.action("DescribeRefreshActivities")
def describe_refresh_activities(ctx: ActionContext, p: Params) -> dict[str, Any]:
    filters = read_filters(
        p,
        allowed=(
            "auto-scaling-group-id",
            "refresh-activity-status-code",
            "refresh-activity-type",
            "refresh-activity-id",
        ),
    )
    ids = ids_or_filters(p, "RefreshActivityIds", filters)

    def field(activity: RefreshActivity, name: str) -> list[str]:
        return {
            "auto-scaling-group-id": [activity.group_id],
            "refresh-activity-status-code": [activity.status],
            "refresh-activity-type": [activity.activity_type],
            "refresh-activity-id": [activity.refresh_activity_id],
        }[name]

    def keep(activity: RefreshActivity) -> bool:
        if ids is not None and activity.refresh_activity_id not in ids:
            return False
        return matches(filters, lambda name: field(activity, name))

    newest_first = sorted(ctx.region.refresh_activities.values(), key=lambda a: -a.seq)
    total, shown = page(p, [a for a in newest_first if keep(a)])
    return {"TotalCount": total, "RefreshActivitySet": [render(a) for a in shown]}


def _target(ctx: ActionContext, p: Params, id_name: str = "RefreshActivityId") -> RefreshActivity:
    group = lookups.group_param(ctx, p)
    return lookups.refresh_activity(ctx, group.group_id, p.need_text(id_name))


@SERVICE.action("StopInstanceRefresh")
def stop_instance_refresh(ctx: ActionContext, p: Params) -> dict[str, Any]:
    activity = _target(ctx, p)
    if activity.status != "RUNNING":
        raise _conflict(activity, "pause")
    p.finish()
    # The batch in flight finishes; the next one waits for ResumeInstanceRefresh.
    activity.status = "MANUAL_PAUSE"
    return {}


@SERVICE.action("ResumeInstanceRefresh")
def resume_instance_refresh(ctx: ActionContext, p: Params) -> dict[str, Any]:
    activity = _target(ctx, p)
    mode = p.text("ResumeMode", default="RETRY", choices=("RETRY", "CONTINUE"))
    if not activity.paused:
        raise _conflict(activity, "resume")
    p.finish()
    batch = activity.batches[activity.current_batch - 1]
    if batch.status == "RUNNING":
        activity.status = "RUNNING"  # a manual pause before the batch in flight finished
        return {}
    if activity.status == "FAILED_PAUSE" and mode == "RETRY":
        for item in batch.items:
            if item.status == "FAILED":
                item.status = "WAITING"
        retry = [item for item in batch.items if item.status == "WAITING"]
        engine.restart_items(ctx.world, ctx.region, activity, batch, retry)
        activity.status = "RUNNING"
        return {}
    engine.proceed(ctx.world, ctx.region, activity, after_pause=True)
    return {}


@SERVICE.action("CancelInstanceRefresh")
def cancel_instance_refresh(ctx: ActionContext, p: Params) -> dict[str, Any]:
    activity = _target(ctx, p)
    if activity.terminal or any(b.status == "RUNNING" for b in activity.batches):
        raise _conflict(activity, "cancel")
    p.finish()
    engine.cancel_waiting(activity)
    engine.end(ctx.world, ctx.region, activity, "CANCELLED")
    return {}


@SERVICE.action("RollbackInstanceRefresh")
def rollback_instance_refresh(ctx: ActionContext, p: Params) -> dict[str, Any]:
    group = lookups.group_param(ctx, p)
    origin = lookups.refresh_activity(ctx, group.group_id, p.need_text("OriginRefreshActivityId"))
    mode = p.text("RefreshMode", default=engine.RESET, choices=(engine.RESET,))
    settings = _settings(p, for_rollback=True)
    if origin.activity_type == "ROLLBACK":
        raise ApiError(
            "ResourceUnavailable.RollbackTypeActivityCanNotRollbackAgain",
            "A rollback refresh activity cannot be rolled back again.",
        )
    if origin.mode != engine.RESET or mode != origin.mode:
        raise ApiError(
            "UnsupportedOperation", "Only ROLLING_UPDATE_RESET refreshes can be rolled back."
        )
    if origin.status == "SUCCESSFUL":
        latest = max(
            (a for a in ctx.region.refresh_activities.values() if a.group_id == group.group_id),
            key=lambda a: a.seq,
        )
        if latest is not origin:
            raise ApiError(
                "ResourceUnavailable.RefreshActivityCanNotRollback",
                "Only a paused activity or the latest successful one can be rolled back.",
            )
    elif not origin.paused:
        raise _conflict(origin, "roll back")
    _no_other_refresh(group, allowed=origin.refresh_activity_id)
    items = engine.rollback_items(ctx.region, origin)
    if not items:
        raise ApiError(
            "ResourceUnavailable.NoInstanceCanRollback", "No instance can be rolled back."
        )
    _check_batches(settings, len(items))
    p.finish()
    engine.cancel_waiting(origin)
    if not origin.terminal:
        engine.end(ctx.world, ctx.region, origin, "CANCELLED")
    activity = engine.start_rollback(ctx.world, ctx.region, origin, items, settings)
    return {"RefreshActivityId": activity.refresh_activity_id}
