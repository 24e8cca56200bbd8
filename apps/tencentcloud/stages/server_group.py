"""Server-group stages: resize, enable, disable and destroy one group."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from apps.tencentcloud.stages import capacity, config, inventory, operations
from apps.tencentcloud.stages.cloud_task import CloudTask, Environment, terminal
from apps.tencentcloud.stages.errors import CloudStateError
from apps.tencentcloud.stages.model import Capacity, ServerGroup
from apps.tencentcloud.stages.support import RegionalStage, locate
from engine.model import Stage
from engine.stages.builder import TaskDefinition
from engine.tasks import TaskResult


def group_context(group: ServerGroup, account: str) -> dict[str, Any]:
    return {
        "serverGroupName": group.name,
        "asgName": group.name,
        "autoScalingGroupId": group.group_id,
        "region": group.region,
        "account": account,
        "cluster": group.cluster,
    }


class ResolveServerGroupTask(CloudTask):
    """`serverGroupName`, or `target` (current/ancestor/oldest/largest) within `cluster`."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        context = stage.context
        region = config.region(context)
        account = config.account(context)
        api = self.env.api(stage, region)
        name = config.server_group_name(context)
        if name:
            group = inventory.find(api, name)
            if group is None:
                raise CloudStateError(f"server group {name} not found in {region}")
            return TaskResult.succeeded(group_context(group, account))
        target = config.target(context)
        if not target:
            raise config.ConfigError("serverGroupName or target is required")
        cluster = config.cluster(context, stage)
        try:
            group = inventory.resolve_target(inventory.list_cluster(api, cluster), target)
        except ValueError as error:
            raise config.ConfigError(str(error)) from None
        if group is None:
            raise CloudStateError(f"cluster {cluster} has no {target} server group in {region}")
        return TaskResult.succeeded({**group_context(group, account), "targetResolved": True})

    def timeout_ms(self, stage: Stage) -> int | None:
        return 5 * 60 * 1000


class EnableServerGroupTask(CloudTask):
    """Traffic back at the weights it serves with, then scaling resumed."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        progress["baselineActivityId"] = inventory.latest_activity_id(api, group.group_id)
        operations.resume_scaling(api, group)
        operations.restore_traffic(api, group)
        return TaskResult.succeeded({"enabled": True})


class DisableServerGroupTask(CloudTask):
    """Weight 0 on every binding and scaling suspended; `desiredPercentage` < 100 instead takes
    that share of the instances out of rotation on the CLB (a rolling red/black step)."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        percentage = config.number(stage.context, "desiredPercentage", 100)
        if percentage >= 100:
            operations.stop_traffic(api, group)
            operations.suspend_scaling(api, group)
            return TaskResult.succeeded({"disabled": True})
        members = sorted(
            (i for i in inventory.instances(api, group.group_id) if i.in_service),
            key=lambda instance: (instance.added, instance.instance_id),
        )
        chosen = [i.instance_id for i in members[: math.ceil(len(members) * percentage / 100)]]
        operations.zero_instance_weights(api, group, chosen)
        return TaskResult.succeeded({"disabledInstanceIds": chosen})


class WaitForDisabledTask(CloudTask):
    """Until the CLB shows weight 0 for the group's (or the chosen) instances."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        if not group.bindings:
            return TaskResult.succeeded()
        chosen = stage.context.get("disabledInstanceIds")
        members = [i.instance_id for i in inventory.instances(api, group.group_id)]
        watched = chosen if isinstance(chosen, list) else members
        targets = inventory.clb_targets(api, group, watched)
        serving = sorted(
            instance_id
            for instance_id in watched
            if any(target.weight > 0 for target in targets.get(instance_id, []))
        )
        if serving:
            return TaskResult.running({"instancesStillServing": serving})
        return TaskResult.succeeded({"instancesStillServing": []})

    def poll_ms(self, stage: Stage) -> int:
        return max(1_000, self.env.poll_ms // 5)


class ResizeServerGroupTask(CloudTask):
    """Computes the target once (a retry must not apply a relative resize twice), then asks."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        planned = stage.context.get("targetCapacity")
        if isinstance(planned, dict):
            target = Capacity.from_dict(planned)
        else:
            cluster: list[Capacity] = []
            if stage.context.get("action") == "scale_to_cluster":
                cluster = [g.capacity for g in inventory.list_cluster(api, group.cluster)]
            target = capacity.target(stage.context, group.capacity, cluster)
            progress["originalCapacity"] = group.capacity.as_dict()
            progress["targetCapacity"] = target.as_dict()
        progress["baselineActivityId"] = inventory.latest_activity_id(api, group.group_id)
        members = inventory.instances(api, group.group_id)
        activity_id = operations.resize(api, group, members, target)
        return TaskResult.succeeded({"activityId": activity_id})


class WaitForCapacityTask(CloudTask):
    """Until enough instances are healthy in Auto Scaling and the CLB, and extras are gone.

    `targetHealthyDeployPercentage` (default 100) is the share of the desired size that must be
    healthy; a failed scaling activity or instances that never pass the health check fail it."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        report = inventory.health(
            api,
            group,
            since_activity=str(stage.context.get("baselineActivityId") or ""),
            activity_id=str(stage.context.get("activityId") or "") or None,
        )
        percentage = config.number(stage.context, "targetHealthyDeployPercentage", 100)
        summary = {"health": report.as_dict()}
        settled = report.present <= report.desired and not report.leaving
        if len(report.healthy) >= report.required(percentage) and settled:
            return TaskResult.succeeded(summary)
        reachable = report.present - len(report.failed)
        if report.activity_failure or (report.failed and reachable < report.required(percentage)):
            failed = ", ".join(report.failed) or "none"
            return terminal(
                f"{group.name} did not become healthy (failed instances: {failed})"
                + (f"; {report.activity_failure}" if report.activity_failure else ""),
                summary,
            )
        return TaskResult.running(summary)


class DestroyServerGroupTask(CloudTask):
    """Traffic off, drained to zero, then the group and its launch configuration deleted;
    each poll does the next step the group's state calls for."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        region = config.region(stage.context)
        api = self.env.api(stage, region)
        remaining = operations.destroy_step(api, config.server_group_name(stage.context))
        if remaining is None:
            return TaskResult.succeeded({"destroyed": True, "remainingInstances": 0})
        return TaskResult.running({"remainingInstances": remaining})


class EnableServerGroupStage(RegionalStage):
    type = "enableServerGroup"
    runtime_keys = ("enabled", "baselineActivityId", "health")

    def __init__(self, env: Environment) -> None:
        self.resolve = ResolveServerGroupTask(env)
        self.enable = EnableServerGroupTask(env)
        self.wait = WaitForCapacityTask(env)
        self.tasks = (self.resolve, self.enable, self.wait)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineTargetServerGroup", self.resolve),
            TaskDefinition("enableServerGroup", self.enable),
            TaskDefinition("waitForUpInstances", self.wait),
        )


class DisableServerGroupStage(RegionalStage):
    type = "disableServerGroup"
    runtime_keys = ("disabled", "disabledInstanceIds", "instancesStillServing")

    def __init__(self, env: Environment) -> None:
        self.resolve = ResolveServerGroupTask(env)
        self.disable = DisableServerGroupTask(env)
        self.wait = WaitForDisabledTask(env)
        self.tasks = (self.resolve, self.disable, self.wait)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineTargetServerGroup", self.resolve),
            TaskDefinition("disableServerGroup", self.disable),
            TaskDefinition("waitForDisabledServerGroup", self.wait),
        )


class ResizeServerGroupStage(RegionalStage):
    type = "resizeServerGroup"
    runtime_keys = (
        "targetCapacity",
        "originalCapacity",
        "activityId",
        "baselineActivityId",
        "health",
    )

    def __init__(self, env: Environment) -> None:
        self.resolve = ResolveServerGroupTask(env)
        self.resize = ResizeServerGroupTask(env)
        self.wait = WaitForCapacityTask(env)
        self.tasks = (self.resolve, self.resize, self.wait)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineTargetServerGroup", self.resolve),
            TaskDefinition("resizeServerGroup", self.resize),
            TaskDefinition("waitForCapacityMatch", self.wait),
        )


class DestroyServerGroupStage(RegionalStage):
    type = "destroyServerGroup"
    runtime_keys = (
        "destroyed",
        "drainRequested",
        "remainingInstances",
        "launchConfigurationDeleted",
    )

    def __init__(self, env: Environment) -> None:
        self.resolve = ResolveServerGroupTask(env)
        self.destroy = DestroyServerGroupTask(env)
        self.tasks = (self.resolve, self.destroy)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineTargetServerGroup", self.resolve),
            TaskDefinition("destroyServerGroup", self.destroy),
        )
