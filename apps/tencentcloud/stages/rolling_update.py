"""In-place `rollingUpdate` through instance refresh, with a judgment after the first batch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from apps.tencentcloud.stages import config, inventory, operations
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.cloud_task import CloudTask, Environment, terminal
from apps.tencentcloud.stages.description import pascal, user_data
from apps.tencentcloud.stages.errors import CloudError, CloudStateError
from apps.tencentcloud.stages.server_group import ResolveServerGroupTask
from apps.tencentcloud.stages.support import RegionalStage, child_context, locate
from engine.model import Stage
from engine.stages.builder import SyntheticStage, TaskDefinition
from engine.tasks import TaskResult

MODES = {"reset": "ROLLING_UPDATE_RESET", "replace": "ROLLING_UPDATE_REPLACE"}
FAIL_PROCESS = {"pause": "AUTO_PAUSE", "rollback": "AUTO_ROLLBACK", "cancel": "AUTO_CANCEL"}
REFRESH_KEY = "refreshActivityId"
ROLLBACK_KEY = "rollbackRefreshActivityId"


def _mode(context: dict[str, Any]) -> str:
    raw = str(context.get("refreshMode") or "reset").lower()
    for key, value in MODES.items():
        if raw in (key, value.lower()):
            return value
    raise config.ConfigError("refreshMode must be reset or replace")


def _on_failure(context: dict[str, Any]) -> str:
    raw = str(context.get("onFailure") or "pause").lower()
    if raw not in FAIL_PROCESS:
        raise config.ConfigError("onFailure must be pause, rollback or cancel")
    return raw


def _refresh(api: CloudApi, refresh_id: str) -> dict[str, Any]:
    reply = api.autoscaling("DescribeRefreshActivities", {"RefreshActivityIds": [refresh_id]})
    found = reply.get("RefreshActivitySet") or []
    if not found:
        raise CloudStateError(f"refresh activity {refresh_id} not found")
    return dict(found[0])


def _failures(activity: dict[str, Any]) -> str:
    messages = [
        f"{item.get('InstanceId')}: "
        f"{item.get('InstanceStatusMessage') or item.get('InstanceStatus')}"
        for batch in activity.get("RefreshBatchSet") or []
        for item in batch.get("RefreshBatchRelatedInstanceSet") or []
        if item.get("InstanceStatus") == "FAILED"
    ]
    return "; ".join(messages) or "no instance details"


def _summary(activity: dict[str, Any]) -> dict[str, Any]:
    return {
        "refreshStatus": activity.get("Status"),
        "refreshBatch": activity.get("CurrentRefreshBatchNum"),
        "refreshBatches": len(activity.get("RefreshBatchSet") or []),
    }


class UpdateLaunchConfigurationTask(CloudTask):
    """The new image (and user data) go into the group's launch configuration."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        context = stage.context
        launch = operations.launch_configuration(api, group.launch_configuration_id)
        if launch is None:
            raise CloudStateError(f"launch configuration {group.launch_configuration_id} not found")
        change: dict[str, Any] = {}
        if context.get("imageId") and context["imageId"] != launch.get("ImageId"):
            change["ImageId"] = context["imageId"]
        if context.get("userData"):
            change["UserData"] = user_data(str(context["userData"]))
        if context.get("instanceTypes"):
            change["InstanceTypes"] = list(context["instanceTypes"])
        if context.get("securityGroupIds"):
            change["SecurityGroupIds"] = pascal(context["securityGroupIds"])
        if change:
            api.autoscaling(
                "ModifyLaunchConfigurationAttributes",
                {"LaunchConfigurationId": group.launch_configuration_id, **change},
            )
        return TaskResult.succeeded(
            {
                "previousImageId": launch.get("ImageId"),
                "launchConfigurationId": group.launch_configuration_id,
            }
        )


class StartInstanceRefreshTask(CloudTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        if stage.context.get(REFRESH_KEY):
            return TaskResult.succeeded()
        api, group = locate(self.env, stage)
        context = stage.context
        count = sum(1 for i in inventory.instances(api, group.group_id) if i.in_service)
        if count == 0:
            raise CloudStateError(f"{group.name} has no in-service instance to update")
        if context.get("batchNumber"):
            batches = config.integer(context, "batchNumber", 1)
        else:
            size = max(1, config.integer(context, "batchSize", 1))
            batches = math.ceil(count / size)
        rolling = {
            "BatchNumber": max(1, min(batches, count)),
            "BatchPause": "FIRST_BATCH_PAUSE"
            if config.flag(context, "pauseAfterFirstBatch")
            else "AUTOMATIC",
            "FailProcess": FAIL_PROCESS[_on_failure(context)],
        }
        if context.get("maxSurge"):
            rolling["MaxSurge"] = config.integer(context, "maxSurge", 0)
        settings = {
            "RollingUpdateSettings": rolling,
            "CheckInstanceTargetHealth": config.flag(
                context, "checkInstanceTargetHealth", bool(group.bindings)
            ),
        }
        try:
            reply = api.autoscaling(
                "StartInstanceRefresh",
                {
                    "AutoScalingGroupId": group.group_id,
                    "RefreshMode": _mode(context),
                    "RefreshSettings": settings,
                },
            )
            refresh_id = str(reply["RefreshActivityId"])
        except CloudError as error:
            # A retried start whose first attempt went through: adopt the refresh it began.
            if error.code != "ResourceUnavailable.AutoScalingGroupInRefreshActivity":
                raise
            refresh_id = self._running(api, group.group_id)
            if not refresh_id:
                raise
        return TaskResult.succeeded({REFRESH_KEY: refresh_id, "refreshSettings": settings})

    def _running(self, api: CloudApi, group_id: str) -> str:
        reply = api.autoscaling(
            "DescribeRefreshActivities",
            {"Filters": [{"Name": "auto-scaling-group-id", "Values": [group_id]}], "Limit": 1},
        )
        found = reply.get("RefreshActivitySet") or []
        if found and found[0].get("Status") in ("INIT", "RUNNING", "AUTO_PAUSE", "MANUAL_PAUSE"):
            return str(found[0]["RefreshActivityId"])
        return ""


class MonitorInstanceRefreshTask(CloudTask):
    """Until the refresh (or the rollback Auto Scaling started for it) ends."""

    # The registry resolves tasks by class, so the pausing variant is a subclass.
    stop_at_pause = False

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        context = stage.context
        rollback_id = str(context.get(ROLLBACK_KEY) or "")
        if rollback_id:
            return self._rollback(api, rollback_id, context)
        activity = _refresh(api, str(context[REFRESH_KEY]))
        status = activity.get("Status")
        summary = _summary(activity)
        if status == "SUCCESSFUL":
            return TaskResult.succeeded({**summary, "refreshPaused": False})
        if status == "AUTO_PAUSE" and self.stop_at_pause:
            return TaskResult.succeeded({**summary, "refreshPaused": True})
        if status == "FAILED_PAUSE":
            return terminal(
                f"instance refresh paused after a failure: {_failures(activity)}", summary
            )
        if status == "CANCELLED":
            return terminal("the instance refresh was cancelled", summary)
        if status == "FAILED":
            found = self._rollback_of(api, group.group_id, str(context[REFRESH_KEY]))
            if found:
                progress[ROLLBACK_KEY] = found
                progress["refreshFailures"] = _failures(activity)
                return TaskResult.running(summary)
            return terminal(f"instance refresh failed: {_failures(activity)}", summary)
        return TaskResult.running(summary)

    def _rollback_of(self, api: CloudApi, group_id: str, origin: str) -> str:
        reply = api.autoscaling(
            "DescribeRefreshActivities",
            {
                "Filters": [
                    {"Name": "auto-scaling-group-id", "Values": [group_id]},
                    {"Name": "refresh-activity-type", "Values": ["ROLLBACK"]},
                ],
                "Limit": 20,
            },
        )
        for item in reply.get("RefreshActivitySet") or []:
            if item.get("OriginRefreshActivityId") == origin:
                return str(item["RefreshActivityId"])
        return ""

    def _rollback(self, api: CloudApi, rollback_id: str, context: dict[str, Any]) -> TaskResult:
        activity = _refresh(api, rollback_id)
        status = activity.get("Status")
        summary = {"rollbackStatus": status}
        if status in ("SUCCESSFUL", "FAILED", "CANCELLED", "FAILED_PAUSE"):
            failures = context.get("refreshFailures") or "see the refresh activity"
            return terminal(f"instance refresh failed ({failures}); rolled back: {status}", summary)
        return TaskResult.running(summary)


class MonitorUntilFirstPauseTask(MonitorInstanceRefreshTask):
    """Also stops at the first-batch pause, so a judgment can run."""

    stop_at_pause = True


class ResumeInstanceRefreshTask(CloudTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        api, group = locate(self.env, stage)
        refresh_id = str(stage.context[REFRESH_KEY])
        activity = _refresh(api, refresh_id)
        if activity.get("Status") in ("AUTO_PAUSE", "MANUAL_PAUSE", "FAILED_PAUSE"):
            api.autoscaling(
                "ResumeInstanceRefresh",
                {
                    "AutoScalingGroupId": group.group_id,
                    "RefreshActivityId": refresh_id,
                    "ResumeMode": "CONTINUE",
                },
            )
        return TaskResult.succeeded()


class RollbackInstanceRefreshTask(CloudTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        if stage.context.get(ROLLBACK_KEY):
            return TaskResult.succeeded()
        api, group = locate(self.env, stage)
        origin = _refresh(api, str(stage.context[REFRESH_KEY]))
        if origin.get("Status") not in ("AUTO_PAUSE", "MANUAL_PAUSE", "FAILED_PAUSE"):
            # Already over (or rolled back by Auto Scaling itself): nothing left to undo here.
            return TaskResult.succeeded({"rollbackSkipped": origin.get("Status")})
        settings = dict(stage.context.get("refreshSettings") or {})
        rolling = dict(settings.get("RollingUpdateSettings") or {})
        rolling.update(BatchNumber=1, BatchPause="AUTOMATIC", FailProcess="AUTO_PAUSE")
        rolling.pop("MaxSurge", None)
        reply = api.autoscaling(
            "RollbackInstanceRefresh",
            {
                "AutoScalingGroupId": group.group_id,
                "OriginRefreshActivityId": str(stage.context[REFRESH_KEY]),
                "RefreshMode": "ROLLING_UPDATE_RESET",
                "RefreshSettings": {**settings, "RollingUpdateSettings": rolling},
            },
        )
        return TaskResult.succeeded({ROLLBACK_KEY: str(reply["RefreshActivityId"])})


class WaitForRollbackTask(CloudTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        if not stage.context.get(ROLLBACK_KEY):
            return TaskResult.succeeded()
        api, _ = locate(self.env, stage)
        activity = _refresh(api, str(stage.context[ROLLBACK_KEY]))
        status = activity.get("Status")
        if status == "SUCCESSFUL":
            return TaskResult.succeeded(_summary(activity))
        if status in ("FAILED", "CANCELLED", "FAILED_PAUSE"):
            return terminal(
                f"the rollback ended {status}: {_failures(activity)}", _summary(activity)
            )
        return TaskResult.running(_summary(activity))


def _follow_up(stage: Stage) -> dict[str, Any]:
    keep = ("account", "region", "serverGroupName", REFRESH_KEY, "refreshSettings", "onFailure")
    return child_context({key: stage.context[key] for key in keep if key in stage.context})


class RollingUpdateStage(RegionalStage):
    """New image into the launch configuration, then an instance refresh in batches.

    `pauseAfterFirstBatch` stops after the first batch for a manual judgment; `onFailure` is
    `pause` (the refresh waits, the stage fails), `rollback` (instances go back to the old image)
    or `cancel`. Stopping at the judgment rolls back when `onFailure` is `rollback`."""

    type = "rollingUpdate"
    runtime_keys = (
        REFRESH_KEY,
        ROLLBACK_KEY,
        "refreshSettings",
        "refreshStatus",
        "refreshBatch",
        "refreshBatches",
        "refreshPaused",
        "refreshFailures",
        "rollbackStatus",
        "previousImageId",
        "launchConfigurationId",
    )

    def __init__(self, env: Environment) -> None:
        self.resolve = ResolveServerGroupTask(env)
        self.update = UpdateLaunchConfigurationTask(env)
        self.start = StartInstanceRefreshTask(env)
        self.monitor = MonitorUntilFirstPauseTask(env)
        self.tasks = (self.resolve, self.update, self.start, self.monitor)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineTargetServerGroup", self.resolve),
            TaskDefinition("updateLaunchConfiguration", self.update),
            TaskDefinition("startInstanceRefresh", self.start),
            TaskDefinition("monitorInstanceRefresh", self.monitor),
        )

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if self.fans_out(stage) or not stage.context.get("refreshPaused"):
            return ()
        name = stage.context.get("serverGroupName")
        return [
            SyntheticStage(
                "manualJudgment",
                "Continue the instance refresh?",
                {
                    "instructions": stage.context.get("judgmentInstructions")
                    or f"The first batch of {name} runs the new image. Continue with the rest?",
                    "judgmentInputs": [],
                },
            ),
            SyntheticStage(
                "resumeInstanceRefresh", "Resume the instance refresh", _follow_up(stage)
            ),
        ]

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        context = stage.context
        if self.fans_out(stage) or not context.get(REFRESH_KEY) or context.get(ROLLBACK_KEY):
            return ()
        if str(context.get("onFailure") or "pause").lower() != "rollback":
            return ()
        if context.get("refreshStatus") in ("FAILED", "SUCCESSFUL", "CANCELLED"):
            return ()
        return [
            SyntheticStage(
                "rollbackInstanceRefresh", "Roll back the instance refresh", _follow_up(stage)
            )
        ]


class ResumeInstanceRefreshStage(RegionalStage):
    type = "resumeInstanceRefresh"
    runtime_keys = (
        ROLLBACK_KEY,
        "refreshStatus",
        "refreshBatch",
        "refreshBatches",
        "rollbackStatus",
    )

    def __init__(self, env: Environment) -> None:
        self.resume = ResumeInstanceRefreshTask(env)
        self.monitor = MonitorInstanceRefreshTask(env)
        self.tasks = (self.resume, self.monitor)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("resumeInstanceRefresh", self.resume),
            TaskDefinition("monitorInstanceRefresh", self.monitor),
        )


class RollbackInstanceRefreshStage(RegionalStage):
    type = "rollbackInstanceRefresh"
    runtime_keys = (ROLLBACK_KEY, "refreshStatus", "refreshBatch", "refreshBatches")

    def __init__(self, env: Environment) -> None:
        self.rollback = RollbackInstanceRefreshTask(env)
        self.wait = WaitForRollbackTask(env)
        self.tasks = (self.rollback, self.wait)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("rollbackInstanceRefresh", self.rollback),
            TaskDefinition("waitForRollback", self.wait),
        )
