"""CLB target lists: where a backend is bound, binding for Auto Scaling, and derived health."""

from __future__ import annotations

from sandbox.tencentcloud.model import (
    HEALTH_FAILED,
    HEALTH_OK,
    IN_SERVICE,
    Backend,
    ForwardLb,
    Instance,
    LoadBalancer,
    ScalingGroup,
)
from sandbox.tencentcloud.world import World


def target_list(
    lb: LoadBalancer, listener_id: str, location_id: str | None
) -> list[Backend] | None:
    """The backends of a layer-4 listener or of one layer-7 rule; None if no such place."""
    listener = lb.listeners.get(listener_id)
    if listener is None:
        return None
    if listener.layer7:
        rule = listener.rules.get(location_id or "")
        return None if rule is None else rule.targets
    return None if location_id else listener.targets


def binding_targets(world: World, binding: ForwardLb) -> list[Backend] | None:
    lb = world.load_balancer(binding.region, binding.load_balancer_id)
    return None if lb is None else target_list(lb, binding.listener_id, binding.location_id)


def _wanted(instance: Instance) -> bool:
    return instance.state == IN_SERVICE and not instance.leaving


def sync_instance(world: World, group: ScalingGroup, instance: Instance) -> None:
    """Make the instance's CLB bindings match the group's forward-LB list and its state.

    Auto Scaling re-binds an instance whenever its state changes, so weights set directly
    on the CLB for this instance are overwritten by the group's configured weights then."""
    now = world.now
    for binding in group.forward_lbs:
        targets = binding_targets(world, binding)
        if targets is None:
            continue
        ports = dict(binding.targets)
        targets[:] = [
            t for t in targets if t.instance_id != instance.instance_id or t.port in ports
        ]
        if not _wanted(instance):
            targets[:] = [t for t in targets if t.instance_id != instance.instance_id]
            continue
        for port, weight in ports.items():
            effective = 0 if instance.zero_weight else weight
            existing = next(
                (t for t in targets if t.instance_id == instance.instance_id and t.port == port),
                None,
            )
            if existing is None:
                targets.append(Backend(instance.instance_id, port, effective, now))
            else:
                existing.weight = effective


def unbind(world: World, binding: ForwardLb, instance_ids: set[str]) -> None:
    targets = binding_targets(world, binding)
    if targets is not None:
        targets[:] = [t for t in targets if t.instance_id not in instance_ids]


def health_of(world: World, backend: Backend) -> tuple[bool, str]:
    """(HealthStatus, HealthStatusDetail) as a CLB health check would report the backend."""
    instance = world.find_instance(backend.instance_id)
    if instance is None or instance.state != IN_SERVICE:
        return False, "Unknown"
    if instance.resetting:
        return False, "Dead"
    if instance.health == HEALTH_OK:
        return True, "Alive"
    if instance.health == HEALTH_FAILED:
        return False, "Dead"
    return False, "Unknown"
