"""Cluster stages: disableCluster, scaleDownCluster, shrinkCluster and rollbackCluster.

Each plans against the cluster as it is at run time, then lays its work down as one
server-group stage per group (so every step shows, and each polls on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.tencentcloud.stages import config, inventory
from apps.tencentcloud.stages.cloud_task import CloudTask, Environment
from apps.tencentcloud.stages.errors import CloudStateError
from apps.tencentcloud.stages.model import ServerGroup
from apps.tencentcloud.stages.support import RegionalStage
from engine.model import Stage
from engine.stages.builder import SyntheticStage, TaskDefinition
from engine.tasks import TaskResult

PLAN_KEY = "plan"


def ordered(groups: Sequence[ServerGroup], *, larger_first: bool) -> list[ServerGroup]:
    """Newest first, or largest first (newest breaking ties) when asked to prefer size."""
    newest_first = list(reversed(groups))
    if larger_first:
        return sorted(newest_first, key=lambda group: -group.instance_count)
    return newest_first


def plan_disable(groups: Sequence[ServerGroup], context: dict[str, Any]) -> list[str]:
    keep = config.integer(context, "remainingEnabledServerGroups", 1)
    enabled = [group for group in groups if not group.disabled]
    chosen = ordered(enabled, larger_first=config.flag(context, "preferLargerOverNewer"))
    return [group.name for group in chosen[max(keep, 0) :]]


def plan_scale_down(groups: Sequence[ServerGroup], context: dict[str, Any]) -> list[str]:
    keep = config.integer(context, "remainingFullSizeServerGroups", 1)
    active_too = config.flag(context, "allowScaleDownActive")
    chosen = ordered(groups, larger_first=config.flag(context, "preferLargerOverNewer"))
    return [
        group.name
        for group in chosen[max(keep, 0) :]
        if (group.capacity.desired or group.capacity.min) and (active_too or group.disabled)
    ]


def plan_shrink(groups: Sequence[ServerGroup], context: dict[str, Any]) -> list[str]:
    keep = config.integer(context, "shrinkToSize", 1)
    active_too = config.flag(context, "allowDeleteActive")
    chosen = ordered(groups, larger_first=config.flag(context, "retainLargerOverNewer"))
    return [group.name for group in chosen[max(keep, 0) :] if active_too or group.disabled]


def plan_rollback(groups: Sequence[ServerGroup], context: dict[str, Any]) -> dict[str, Any]:
    """Roll back from the newest serving group to the newest group before it."""
    serving = [group for group in groups if not group.disabled]
    if not serving:
        raise CloudStateError("the cluster has no enabled server group to roll back from")
    current = serving[-1]
    older = [group for group in groups if group.sort_key < current.sort_key]
    if not older:
        raise CloudStateError(f"{current.name} has no earlier server group to roll back to")
    restore = older[-1]
    return {
        "rollbackServerGroupName": current.name,
        "restoreServerGroupName": restore.name,
        "rollbackCapacity": current.capacity.as_dict(),
        "restoreCapacity": restore.capacity.as_dict(),
    }


PLANNERS: dict[str, Any] = {
    "disableCluster": plan_disable,
    "scaleDownCluster": plan_scale_down,
    "shrinkCluster": plan_shrink,
    "rollbackCluster": plan_rollback,
}


class PlanClusterTask(CloudTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        region = config.region(stage.context)
        cluster = config.cluster(stage.context, stage)
        groups = inventory.list_cluster(self.env.api(stage, region), cluster)
        plan = PLANNERS[stage.type](groups, stage.context)
        return TaskResult.succeeded(
            {PLAN_KEY: plan, "cluster": cluster, "serverGroups": [g.summary() for g in groups]}
        )

    def timeout_ms(self, stage: Stage) -> int | None:
        return 5 * 60 * 1000


def _base(stage: Stage) -> dict[str, Any]:
    return {
        "account": config.account(stage.context),
        "region": config.region(stage.context),
        "cluster": stage.context.get("cluster"),
    }


class ClusterStage(RegionalStage):
    runtime_keys = (PLAN_KEY, "serverGroups")

    def __init__(self, env: Environment, stage_type: str) -> None:
        self.type = stage_type
        self.plan = PlanClusterTask(env)
        self.tasks = (self.plan,)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("determineServerGroups", self.plan),)

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if self.fans_out(stage) or PLAN_KEY not in stage.context:
            return ()
        plan = stage.context[PLAN_KEY]
        base = _base(stage)
        if self.type == "rollbackCluster":
            return self._rollback(stage, plan, base)
        if self.type == "disableCluster":
            return [
                SyntheticStage(
                    "disableServerGroup", f"Disable {name}", {**base, "serverGroupName": name}
                )
                for name in plan
            ]
        if self.type == "scaleDownCluster":
            return [
                SyntheticStage(
                    "resizeServerGroup",
                    f"Scale down {name}",
                    {
                        **base,
                        "serverGroupName": name,
                        "action": "scale_exact",
                        "capacity": {"min": 0, "desired": 0},
                    },
                )
                for name in plan
            ]
        return [
            SyntheticStage(
                "destroyServerGroup", f"Destroy {name}", {**base, "serverGroupName": name}
            )
            for name in plan
        ]

    def _rollback(
        self, stage: Stage, plan: dict[str, Any], base: dict[str, Any]
    ) -> list[SyntheticStage]:
        restore = plan["restoreServerGroupName"]
        current = plan["rollbackServerGroupName"]
        wanted = plan["rollbackCapacity"]
        have = plan["restoreCapacity"]
        capacity = {key: max(int(wanted[key]), int(have[key])) for key in ("min", "max", "desired")}
        percentage = config.number(stage.context, "targetHealthyRollbackPercentage", 100)
        return [
            SyntheticStage(
                "enableServerGroup",
                f"Enable {restore}",
                {**base, "serverGroupName": restore, "targetHealthyDeployPercentage": 0},
            ),
            SyntheticStage(
                "resizeServerGroup",
                f"Resize {restore}",
                {
                    **base,
                    "serverGroupName": restore,
                    "action": "scale_exact",
                    "capacity": capacity,
                    "targetHealthyDeployPercentage": percentage,
                },
            ),
            SyntheticStage(
                "disableServerGroup", f"Disable {current}", {**base, "serverGroupName": current}
            ),
        ]
