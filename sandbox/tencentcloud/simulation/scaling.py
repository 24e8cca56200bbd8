"""Scaling activities: matching the desired capacity, and how each activity ends."""

from __future__ import annotations

from sandbox.tencentcloud.model import (
    CREATING,
    HEALTH_FAILED,
    HEALTH_OK,
    Activity,
    Instance,
    RegionState,
    ScalingGroup,
)
from sandbox.tencentcloud.simulation import instances
from sandbox.tencentcloud.world import World

SCALE_OUT = "SCALE_OUT"
SCALE_IN = "SCALE_IN"
REMOVE_INSTANCES = "REMOVE_INSTANCES"
DETACH_INSTANCES = "DETACH_INSTANCES"
_DONE = ("SUCCESSFUL", "FAILED")


def new_activity(
    world: World,
    region: RegionState,
    group: ScalingGroup,
    activity_type: str,
    *,
    cause: str,
    description: str,
    running: bool = True,
) -> Activity:
    activity = Activity(
        activity_id=world.ids.new("asa"),
        group_id=group.group_id,
        activity_type=activity_type,
        cause=cause,
        description=description,
        created_at=world.now,
        status="RUNNING" if running else "SUCCESSFUL",
        status_message="" if running else "Success",
        end_time=None if running else world.now,
        seq=world.next_seq(),
    )
    region.activities[activity.activity_id] = activity
    return activity


def launch_instances(
    world: World, region: RegionState, group: ScalingGroup, count: int, *, cause: str
) -> tuple[Activity, list[Instance]]:
    lc = region.launch_configurations[group.launch_configuration_id]
    activity = new_activity(
        world,
        region,
        group,
        SCALE_OUT,
        cause=cause,
        description=f"Activity was launched in response to a difference between desired capacity"
        f" and actual capacity, scaling out {count} instance(s).",
    )
    launched = [instances.launch(world, region, group, lc) for _ in range(count)]
    activity.instances = {i.instance_id: "INIT" for i in launched}
    return activity, launched


def leave(
    world: World,
    region: RegionState,
    group: ScalingGroup,
    victims: list[Instance],
    activity_type: str,
    *,
    cause: str,
) -> Activity:
    detach = activity_type == DETACH_INSTANCES
    verb = "detaching" if detach else "terminating"
    activity = new_activity(
        world,
        region,
        group,
        activity_type,
        cause=cause,
        description=f"Activity was launched, {verb} {len(victims)} instance(s).",
    )
    for victim in victims:
        # Instances a user attached are only detached when removed, never destroyed.
        manual = victim.creation_type == "MANUAL_ATTACHING"
        instances.begin_leave(world, region, victim, detach=detach or manual)
        activity.instances[victim.instance_id] = "RUNNING"
    return activity


def pick_victims(region: RegionState, group: ScalingGroup, count: int) -> list[Instance]:
    candidates = [
        i for i in region.group_instances(group.group_id) if not i.leaving and not i.protected
    ]
    newest_first = (group.termination_policies or ["OLDEST_INSTANCE"])[0] == "NEWEST_INSTANCE"
    candidates.sort(key=lambda i: -i.seq if newest_first else i.seq)
    if group.service_settings.get("PriorityScaleInUnhealthy"):
        candidates.sort(key=lambda i: i.health == HEALTH_OK)
    return candidates[:count]


def converge(
    world: World, region: RegionState, group: ScalingGroup, *, force: bool = False
) -> Activity | None:
    """Start the activity that moves the group toward its desired capacity, if one is needed.

    One activity runs at a time per group; a disabled group does not scale unless `force`
    (the manual ScaleIn/ScaleOut calls, which the API allows on a disabled group)."""
    if not (group.enabled or force) or region.running_activity(group.group_id) is not None:
        return None
    members = [i for i in region.group_instances(group.group_id) if not i.leaving]
    difference = group.desired - len(members)
    if difference > 0:
        cause = (
            f"The desired capacity is {group.desired} but the group has {len(members)}"
            f" instance(s), so {difference} instance(s) are launched."
        )
        activity, _ = launch_instances(world, region, group, difference, cause=cause)
        return activity
    if difference < 0:
        victims = pick_victims(region, group, -difference)
        if not victims:
            return None
        cause = (
            f"The desired capacity is {group.desired} but the group has {len(members)}"
            f" instance(s), so {len(victims)} instance(s) are removed."
        )
        return leave(world, region, group, victims, SCALE_IN, cause=cause)
    return None


def step(world: World, region: RegionState, activity: Activity) -> bool:
    """Advance a running activity from its instances' states; True when something changed."""
    if not activity.running:
        return False
    changed = False
    for instance_id, status in activity.instances.items():
        if status in _DONE:
            continue
        progress = _progress(region, activity.activity_type, instance_id)
        if progress != status:
            activity.instances[instance_id] = progress
            changed = True
    if all(status in _DONE for status in activity.instances.values()):
        _conclude(world, region, activity)
        changed = True
    return changed


def _progress(region: RegionState, activity_type: str, instance_id: str) -> str:
    instance = region.instances.get(instance_id)
    if activity_type != SCALE_OUT:
        return "SUCCESSFUL" if instance is None else "RUNNING"
    if instance is None or instance.leaving:
        return "FAILED"
    if instance.state == CREATING:
        return "RUNNING"
    if instance.health == HEALTH_OK:
        return "SUCCESSFUL"
    if instance.health == HEALTH_FAILED:
        return "FAILED"
    return "RUNNING"


def _conclude(world: World, region: RegionState, activity: Activity) -> None:
    activity.end_time = world.now
    failed = [i for i, status in activity.instances.items() if status == "FAILED"]
    if not failed:
        activity.status = "SUCCESSFUL"
        activity.status_message = "Success"
        return
    activity.status = "FAILED" if len(failed) == len(activity.instances) else "PARTIALLY_SUCCESSFUL"
    reasons = []
    for instance_id in failed:
        instance = region.instances.get(instance_id)
        if instance is None or instance.leaving:
            message = "The instance was removed before it passed the health check."
            subnet_id = zone = instance_type = ""
        else:
            message = (
                f"The instance never passed the health check: image `{instance.image_id}` does"
                " not serve (sandbox images whose id ends in `broken` never become healthy)."
            )
            subnet_id, zone, instance_type = (
                instance.subnet_id,
                instance.zone,
                instance.instance_type,
            )
        reasons.append(f"{instance_id}: {message}")
        activity.details.append(
            {
                "Code": "InstanceHealthCheckFailed",
                "Zone": zone,
                "InstanceId": instance_id,
                "InstanceChargeType": "POSTPAID_BY_HOUR",
                "SubnetId": subnet_id,
                "Message": message,
                "InstanceType": instance_type,
            }
        )
    activity.status_message = " ".join(reasons)
