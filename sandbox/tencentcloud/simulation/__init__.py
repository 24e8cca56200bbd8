"""Simulated time: replay every due transition, in time order, up to a target instant."""

from __future__ import annotations

from sandbox.tencentcloud.simulation import instances, refresh, scaling
from sandbox.tencentcloud.world import World

# Each pass only applies transitions that are due, so these bounds are never reached in
# practice; they turn a logic error into an exception instead of a hung server.
_MAX_PASSES = 10_000
_MAX_STOPS = 1_000_000


def settle(world: World) -> None:
    """Apply everything due at `world.now` until nothing changes (activities start and end,
    groups converge, refresh batches move on)."""
    for _ in range(_MAX_PASSES):
        changed = False
        for region in world.regions.values():
            for instance in list(region.instances.values()):
                changed |= instances.step(world, region, instance)
            for activity in sorted(region.activities.values(), key=lambda a: a.seq):
                changed |= scaling.step(world, region, activity)
            for refresh_activity in sorted(region.refresh_activities.values(), key=lambda a: a.seq):
                changed |= refresh.step(world, region, refresh_activity)
            for group in sorted(region.groups.values(), key=lambda g: g.seq):
                changed |= scaling.converge(world, region, group) is not None
        if not changed:
            return
    raise RuntimeError("the simulation did not settle")


def _earliest_due(world: World) -> float | None:
    due = [
        when
        for region in world.regions.values()
        for instance in region.instances.values()
        if (when := instance.next_due()) is not None
    ]
    return min(due) if due else None


def run_until(world: World, target: float) -> None:
    """Move simulated time to `target`, stopping at every due transition on the way so that
    timestamps and chained effects (an activity ending lets the next one start) are exact."""
    with world.lock:
        for _ in range(_MAX_STOPS):
            due = _earliest_due(world)
            if due is None or due > target:
                break
            world.now = max(world.now, due)
            settle(world)
        else:
            raise RuntimeError("the simulation did not reach its target time")
        world.now = max(world.now, target)
        settle(world)
