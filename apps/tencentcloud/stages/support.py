"""What the stage types share: child contexts, one-region-per-stage fan-out, finding the group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apps.tencentcloud.stages import config, inventory
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.cloud_task import Environment
from apps.tencentcloud.stages.errors import CloudStateError
from apps.tencentcloud.stages.model import ServerGroup
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, SyntheticStage, TaskDefinition

# Keys about how a configured stage runs (options, windows, runtime state), never its cloud work.
ENGINE_KEYS = frozenset(
    {
        "stageEnabled",
        "restrictExecutionDuringTimeWindow",
        "restrictedExecutionWindow",
        "skipWindowText",
        "notifications",
        "sendNotifications",
        "failPipeline",
        "continuePipeline",
        "completeOtherBranchesThenFail",
        "failOnFailedExpressions",
        "stageTimeoutMs",
        "comments",
        "expressionEvaluationSummary",
        "exception",
        "cloudRetries",
        "lastCloudError",
        "cloudError",
    }
)


def child_context(context: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    out = {key: value for key, value in context.items() if key not in ENGINE_KEYS}
    out.update(overrides)
    return out


class RegionalStage(BaseStageBuilder):
    """A stage that works in one region; given several `regions` it runs once per region
    as before-stages of itself (chained, as this engine runs synthetic stages)."""

    type: str
    # Context keys a task writes, dropped when the stage is restarted.
    runtime_keys: Sequence[str] = ()

    def fans_out(self, stage: Stage) -> bool:
        if stage.context.get("region"):
            return False
        try:
            return len(config.regions(stage.context)) > 1
        except config.ConfigError:
            return False

    def before_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if not self.fans_out(stage):
            return ()
        return [
            SyntheticStage(
                self.type,
                f"{stage.name} ({region})",
                child_context(stage.context, region=region, regions=[region]),
            )
            for region in config.regions(stage.context)
        ]

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        if self.fans_out(stage):
            return ()
        return self.regional_tasks(stage)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return ()

    def prepare_for_restart(self, stage: Stage) -> None:
        for key in (*self.runtime_keys, "cloudRetries", "lastCloudError", "cloudError"):
            stage.context.pop(key, None)
        if stage.context.pop("targetResolved", False):
            stage.context.pop("serverGroupName", None)


def locate(env: Environment, stage: Stage) -> tuple[CloudApi, ServerGroup]:
    """The server group the stage works on (`serverGroupName` in `region`), as it is now."""
    region = config.region(stage.context)
    name = config.server_group_name(stage.context)
    if not name:
        raise CloudStateError("serverGroupName (or target with cluster) is required")
    api = env.api(stage, region)
    group = inventory.find(api, name)
    if group is None:
        raise CloudStateError(f"server group {name} not found in {region}")
    return api, group
