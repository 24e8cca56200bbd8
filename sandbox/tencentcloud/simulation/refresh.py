"""Instance refresh: batches of re-installs (or replacements), pauses, failures and rollback."""

from __future__ import annotations

from typing import Any

from sandbox.tencentcloud.clb.backends import sync_instance
from sandbox.tencentcloud.model import (
    CREATING,
    HEALTH_FAILED,
    HEALTH_OK,
    RefreshActivity,
    RefreshBatch,
    RefreshItem,
    RegionState,
    ScalingGroup,
)
from sandbox.tencentcloud.simulation import instances, scaling
from sandbox.tencentcloud.world import World

RESET = "ROLLING_UPDATE_RESET"
REPLACE = "ROLLING_UPDATE_REPLACE"
_ITEM_DONE = ("SUCCESSFUL", "FAILED", "CANCELLED", "NOT_FOUND")


def split_batches(instance_ids: list[str], batch_number: int) -> list[RefreshBatch]:
    """BatchNumber counts batches; instances spread evenly, the first batches one larger."""
    size, extra = divmod(len(instance_ids), batch_number)
    batches, start = [], 0
    for number in range(1, batch_number + 1):
        end = start + size + (1 if number <= extra else 0)
        items = [RefreshItem(instance_id=i) for i in instance_ids[start:end]]
        batches.append(RefreshBatch(number=number, items=items))
        start = end
    return batches


def create(
    world: World,
    region: RegionState,
    group: ScalingGroup,
    *,
    mode: str,
    settings: dict[str, Any],
    batches: list[RefreshBatch],
    activity_type: str = "NORMAL",
    origin_id: str | None = None,
) -> RefreshActivity:
    activity = RefreshActivity(
        refresh_activity_id=world.ids.new("asr"),
        group_id=group.group_id,
        mode=mode,
        settings=settings,
        activity_type=activity_type,
        batches=batches,
        created_at=world.now,
        origin_id=origin_id,
        seq=world.next_seq(),
    )
    if activity_type == "NORMAL":
        activity.target_image = region.launch_configurations[group.launch_configuration_id].image_id
    region.refresh_activities[activity.refresh_activity_id] = activity
    # The group is disabled while the refresh lasts, including while it is paused.
    group.refresh_activity_id = activity.refresh_activity_id
    return activity


def _check_health(activity: RefreshActivity, group: ScalingGroup) -> bool:
    # The API only checks target health for groups bound to an application CLB.
    return bool(activity.settings.get("CheckInstanceTargetHealth")) and bool(group.forward_lbs)


def _start_batch(world: World, region: RegionState, activity: RefreshActivity, number: int) -> None:
    batch = activity.batches[number - 1]
    activity.current_batch = number
    batch.start_time = world.now
    restart_items(world, region, activity, batch, batch.items)


def restart_items(
    world: World,
    region: RegionState,
    activity: RefreshActivity,
    batch: RefreshBatch,
    items: list[RefreshItem],
) -> None:
    """Start (or, after a failed pause, retry) the given items of a batch."""
    group = region.groups[activity.group_id]
    batch.status = "RUNNING"
    batch.end_time = None
    replacements: list[RefreshItem] = []
    for item in items:
        instance = region.instances.get(item.instance_id)
        if instance is None or instance.group_id != group.group_id or instance.leaving:
            item.status = "NOT_FOUND"
            item.message = "The instance was removed from the group or destroyed."
            continue
        item.status = "RUNNING"
        item.message = ""
        if activity.mode == RESET:
            if activity.activity_type == "NORMAL":
                if item.previous_image is None:
                    item.previous_image = instance.image_id
                item.target_image = activity.target_image
            assert item.target_image is not None
            instances.begin_reset(world, group, instance, item.target_image)
        else:
            replacements.append(item)
    if replacements:
        scaling_activity, launched = scaling.launch_instances(
            world,
            region,
            group,
            len(replacements),
            cause=f"Instance refresh {activity.refresh_activity_id} replaces batch {batch.number}.",
        )
        for item, new in zip(replacements, launched, strict=True):
            item.replacement_id = new.instance_id
            item.last_activity_id = scaling_activity.activity_id


def _item_outcome(
    region: RegionState, activity: RefreshActivity, group: ScalingGroup, item: RefreshItem
) -> tuple[str, str] | None:
    """(status, message) once the item's work is over, None while it is still going."""
    instance = region.instances.get(item.instance_id)
    if instance is None or instance.leaving:
        return "NOT_FOUND", "The instance was removed from the group or destroyed."
    check = _check_health(activity, group)
    if activity.mode == RESET:
        if instance.resetting:
            return None
        subject = instance
    else:
        replacement = region.instances.get(item.replacement_id or "")
        if replacement is None or replacement.leaving:
            return "FAILED", "The replacement instance was removed before it went into service."
        if replacement.state == CREATING:
            return None
        subject = replacement
    if not check or subject.health == HEALTH_OK:
        return "SUCCESSFUL", "Success"
    if subject.health == HEALTH_FAILED:
        return (
            "FAILED",
            (
                f"{subject.instance_id} did not pass the CLB target health check after the"
                f" refresh (image `{subject.image_id}`)."
            ),
        )
    return None


def _settle_item(
    world: World, region: RegionState, activity: RefreshActivity, item: RefreshItem
) -> bool:
    group = region.groups[activity.group_id]
    outcome = _item_outcome(region, activity, group, item)
    if outcome is None:
        return False
    item.status, item.message = outcome
    instance = region.instances.get(item.instance_id)
    if activity.mode == RESET and instance is not None and item.status == "SUCCESSFUL":
        instance.zero_weight = False
        sync_instance(world, group, instance)
    if activity.mode == REPLACE and instance is not None:
        if item.status == "SUCCESSFUL":
            instances.begin_leave(world, region, instance, detach=False)
        else:
            replacement = region.instances.get(item.replacement_id or "")
            if replacement is not None:
                instances.begin_leave(world, region, replacement, detach=False)
    return True


def step(world: World, region: RegionState, activity: RefreshActivity) -> bool:
    """Advance one refresh activity; True when something changed."""
    changed = False
    if activity.status == "INIT":
        origin = region.refresh_activities.get(activity.origin_id or "")
        # A rollback waits for the instances its origin was still re-installing.
        if origin is not None and any(i.status == "RUNNING" for i in origin.items()):
            return False
        activity.status = "RUNNING"
        activity.start_time = world.now
        _start_batch(world, region, activity, 1)
        changed = True
    for batch in activity.batches:
        if batch.status != "RUNNING":
            continue
        for item in batch.items:
            if item.status == "RUNNING":
                changed |= _settle_item(world, region, activity, item)
        if all(item.status in _ITEM_DONE for item in batch.items):
            _finish_batch(world, region, activity, batch)
            changed = True
    return changed


def _finish_batch(
    world: World, region: RegionState, activity: RefreshActivity, batch: RefreshBatch
) -> None:
    statuses = [item.status for item in batch.items]
    failed = "FAILED" in statuses
    succeeded = any(s in ("SUCCESSFUL", "NOT_FOUND") for s in statuses)
    if failed:
        batch.status = "PARTIALLY_SUCCESSFUL" if succeeded else "FAILED"
    else:
        batch.status = "SUCCESSFUL"
    batch.end_time = world.now
    if activity.terminal:
        return  # a cancelled origin whose in-flight instances just finished
    if failed:
        _on_failure(world, region, activity)
        return
    proceed(world, region, activity, after_pause=False)


def proceed(
    world: World, region: RegionState, activity: RefreshActivity, *, after_pause: bool
) -> None:
    """The current batch is over: finish, pause, or start the next batch."""
    number = activity.current_batch
    if number >= len(activity.batches):
        any_failed = any(item.status == "FAILED" for item in activity.items())
        end(world, region, activity, "FAILED" if any_failed else "SUCCESSFUL")
        return
    if not after_pause:
        if activity.status == "MANUAL_PAUSE":
            return
        pause = activity.rolling.get("BatchPause", "AUTOMATIC")
        if pause == "BATCH_INTERVAL_PAUSE" or (pause == "FIRST_BATCH_PAUSE" and number == 1):
            activity.status = "AUTO_PAUSE"
            return
    activity.status = "RUNNING"
    _start_batch(world, region, activity, number + 1)


def _on_failure(world: World, region: RegionState, activity: RefreshActivity) -> None:
    policy = activity.rolling.get("FailProcess", "AUTO_PAUSE")
    if policy == "AUTO_CANCEL" or (policy == "AUTO_ROLLBACK" and activity.mode == REPLACE):
        cancel_waiting(activity)
        end(world, region, activity, "CANCELLED")
    elif policy == "AUTO_ROLLBACK" and activity.activity_type == "NORMAL":
        cancel_waiting(activity)
        end(world, region, activity, "FAILED")
        items = rollback_items(region, activity)
        if items:
            settings = {
                "RollingUpdateSettings": {
                    "BatchNumber": len(items),
                    "BatchPause": "AUTOMATIC",
                    "MaxSurge": 0,
                    "FailProcess": "AUTO_PAUSE",
                },
                "CheckInstanceTargetHealth": activity.settings.get("CheckInstanceTargetHealth"),
                "CheckInstanceTargetHealthTimeout": activity.settings.get(
                    "CheckInstanceTargetHealthTimeout"
                ),
            }
            start_rollback(world, region, activity, items, settings)
    else:
        activity.status = "FAILED_PAUSE"


def cancel_waiting(activity: RefreshActivity) -> None:
    for batch in activity.batches:
        for item in batch.items:
            if item.status == "WAITING":
                item.status = "CANCELLED"
        if batch.status == "WAITING":
            batch.status = "CANCELLED"


def end(world: World, region: RegionState, activity: RefreshActivity, status: str) -> None:
    activity.status = status
    activity.end_time = world.now
    group = region.groups.get(activity.group_id)
    if group is not None and group.refresh_activity_id == activity.refresh_activity_id:
        group.refresh_activity_id = None


def rollback_items(region: RegionState, origin: RefreshActivity) -> list[RefreshItem]:
    """Instances the origin touched (re-installed, failed or still running) that still exist."""
    out = []
    for item in origin.items():
        instance = region.instances.get(item.instance_id)
        if item.status not in ("SUCCESSFUL", "FAILED", "RUNNING") or item.previous_image is None:
            continue
        if instance is None or instance.leaving or instance.group_id != origin.group_id:
            continue
        out.append(RefreshItem(instance_id=item.instance_id, target_image=item.previous_image))
    return out


def start_rollback(
    world: World,
    region: RegionState,
    origin: RefreshActivity,
    items: list[RefreshItem],
    settings: dict[str, Any],
) -> RefreshActivity:
    group = region.groups[origin.group_id]
    number = settings["RollingUpdateSettings"]["BatchNumber"]
    batches = split_batches([i.instance_id for i in items], number)
    targets = {i.instance_id: i.target_image for i in items}
    for batch in batches:
        for item in batch.items:
            item.target_image = targets[item.instance_id]
    return create(
        world,
        region,
        group,
        mode=origin.mode,
        settings=settings,
        batches=batches,
        activity_type="ROLLBACK",
        origin_id=origin.refresh_activity_id,
    )
