"""An instance's timed life: boot, health check, re-install for a refresh, and leaving the group."""

from __future__ import annotations

from sandbox.tencentcloud.clb.backends import sync_instance
from sandbox.tencentcloud.model import (
    CREATING,
    DETACHING,
    HEALTH_FAILED,
    HEALTH_OK,
    HEALTH_PENDING,
    IN_SERVICE,
    TERMINATING,
    Instance,
    LaunchConfiguration,
    RegionState,
    ScalingGroup,
)
from sandbox.tencentcloud.world import World


def launch(
    world: World, region: RegionState, group: ScalingGroup, lc: LaunchConfiguration
) -> Instance:
    now = world.now
    subnet = region.subnets[_pick_subnet(region, group)]
    instance = Instance(
        instance_id=world.ids.new("ins"),
        region=region.name,
        group_id=group.group_id,
        launch_configuration_id=lc.launch_configuration_id,
        launch_configuration_name=lc.name,
        lc_version=lc.version,
        image_id=lc.image_id,
        instance_type=lc.instance_types[0],
        zone=subnet.zone,
        subnet_id=subnet.subnet_id,
        private_ip=subnet.allocate_ip(),
        created_at=now,
        ready_at=now + world.timings.launch_seconds,
        seq=world.next_seq(),
    )
    region.instances[instance.instance_id] = instance
    return instance


def _pick_subnet(region: RegionState, group: ScalingGroup) -> str:
    if group.multi_zone_subnet_policy != "EQUALITY" or len(group.subnet_ids) == 1:
        return group.subnet_ids[0]
    counts = dict.fromkeys(group.subnet_ids, 0)
    for instance in region.group_instances(group.group_id):
        if instance.subnet_id in counts and not instance.leaving:
            counts[instance.subnet_id] += 1
    return min(group.subnet_ids, key=lambda s: counts[s])


def begin_reset(world: World, group: ScalingGroup, instance: Instance, image_id: str) -> None:
    """Re-install the OS with a new image (ROLLING_UPDATE_RESET); traffic weight held at 0."""
    instance.image_id = image_id
    instance.resetting = True
    instance.zero_weight = True
    instance.health = HEALTH_PENDING
    instance.health_at = None
    instance.ready_at = world.now + world.timings.launch_seconds
    sync_instance(world, group, instance)


def begin_leave(world: World, region: RegionState, instance: Instance, *, detach: bool) -> None:
    """Start terminating (or detaching) an instance; it leaves its CLBs at once."""
    if instance.leaving:
        return
    instance.state = DETACHING if detach else TERMINATING
    instance.gone_at = world.now + world.timings.terminate_seconds
    group = region.groups.get(instance.group_id)
    if group is not None:
        sync_instance(world, group, instance)


def step(world: World, region: RegionState, instance: Instance) -> bool:
    """Apply whatever timed transition is due; True when something changed."""
    now = world.now
    group = region.groups.get(instance.group_id)
    if instance.leaving:
        if instance.gone_at is not None and instance.gone_at <= now:
            del region.instances[instance.instance_id]
            return True
        return False
    if (instance.state == CREATING or instance.resetting) and _due(instance.ready_at, now):
        instance.state = IN_SERVICE
        instance.resetting = False
        instance.health_at = now + world.timings.health_seconds
        if group is not None:
            sync_instance(world, group, instance)
        return True
    if instance.health == HEALTH_PENDING and _due(instance.health_at, now):
        image = region.images.get(instance.image_id)
        instance.health = HEALTH_FAILED if image is None or image.broken else HEALTH_OK
        return True
    return False


def _due(when: float | None, now: float) -> bool:
    return when is not None and when <= now


def health_status(group: ScalingGroup | None, instance: Instance) -> str:
    """The API's HealthStatus: HEALTHY only once the sandbox's health check has passed."""
    if instance.health == HEALTH_OK and not instance.resetting:
        return "HEALTHY"
    return "CLB_UNHEALTHY" if group is not None and group.forward_lbs else "UNHEALTHY"


def warmup_status(instance: Instance) -> str:
    if instance.state == CREATING or instance.resetting:
        return "WAITING_ENTER_WARMUP"
    if instance.health == HEALTH_PENDING:
        return "IN_WARMUP"
    return "AFTER_WARMUP"
