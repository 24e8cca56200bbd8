"""Deploying server groups: `deploy` (clusters), `createServerGroup`, `cloneServerGroup`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from apps.tencentcloud.stages import config, description, inventory, naming, operations, strategies
from apps.tencentcloud.stages.cloud_task import CloudTask, Environment
from apps.tencentcloud.stages.description import DeploySpec, SourceSnapshot
from apps.tencentcloud.stages.errors import CloudStateError
from apps.tencentcloud.stages.model import Capacity, ServerGroup
from apps.tencentcloud.stages.server_group import WaitForCapacityTask
from apps.tencentcloud.stages.support import RegionalStage, child_context
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, SyntheticStage, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

PROVIDERS = ("tencentcloud", "tencent")
DEPLOY_TYPES = ("createServerGroup", "cloneServerGroup")


def _check_provider(context: Mapping[str, Any]) -> None:
    provider = context.get("cloudProvider") or context.get("provider")
    if provider and str(provider).lower() not in PROVIDERS:
        raise config.ConfigError(
            f"cloudProvider {provider!r} is not deployed by this stage (Tencent Cloud only)"
        )


def _explicit_source(context: Mapping[str, Any]) -> tuple[str, str]:
    """(server group, region) a clone names in `source`, or ('', '')."""
    source = context.get("source")
    if isinstance(source, Mapping):
        name = str(source.get("serverGroupName") or source.get("asgName") or "")
        return name, str(source.get("region") or "")
    return "", ""


def _has_moniker_fields(context: Mapping[str, Any]) -> bool:
    return any(context.get(key) for key in ("application", "stack", "freeFormDetails", "moniker"))


class DetermineSourceServerGroupTask(CloudTask):
    """Finds the group a deploy replaces (and copies settings from) and writes the full spec."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        context = stage.context
        _check_provider(context)
        region = config.region(context)
        account = config.account(context)
        api = self.env.api(stage, region)
        source = self._source(stage, api, region)
        if stage.type == "cloneServerGroup" and not _has_moniker_fields(context):
            moniker = (
                naming.parse_cluster(source.name) if source else config.moniker(context, stage)
            )
        else:
            moniker = config.moniker(context, stage)
        if source is None and stage.type != "cloneServerGroup":
            groups = inventory.list_cluster(api, moniker.cluster)
            enabled = [group for group in groups if not group.disabled]
            candidates = enabled or groups
            source = candidates[-1] if candidates else None
        snapshot = None
        if source is not None and config.flag(context, "copySourceSettings", True):
            launch = operations.launch_configuration(
                self._api_for(stage, source), source.launch_configuration_id
            )
            snapshot = SourceSnapshot(source, launch or {})
        spec = description.build(context, snapshot)
        chosen = strategies.strategy(context)
        out: dict[str, Any] = {
            "moniker": moniker.as_dict(),
            "cluster": moniker.cluster,
            "application": moniker.app,
            "account": account,
            "region": region,
        }
        if chosen == "rollingredblack":
            out["savedCapacity"] = spec.capacity.as_dict()
            spec = dataclasses.replace(spec, capacity=Capacity(0, 0, 0))
        out["deployDescription"] = spec.as_context()
        if source is not None:
            out["source"] = {
                "serverGroupName": source.name,
                "asgName": source.name,
                "region": source.region,
                "account": account,
            }
        return TaskResult.succeeded(out)

    def _api_for(self, stage: Stage, group: ServerGroup) -> Any:
        return self.env.api(stage, group.region)

    def _source(self, stage: Stage, api: Any, region: str) -> ServerGroup | None:
        name, source_region = _explicit_source(stage.context)
        if stage.type != "cloneServerGroup" and not name:
            return None
        if not name and stage.type == "cloneServerGroup":
            cluster = stage.context.get("targetCluster")
            target = config.target(stage.context) or "current_asg_dynamic"
            if not cluster:
                raise config.ConfigError(
                    "cloneServerGroup needs source.serverGroupName or targetCluster"
                )
            found = inventory.resolve_target(inventory.list_cluster(api, str(cluster)), target)
            if found is None:
                raise CloudStateError(f"cluster {cluster} has no {target} server group in {region}")
            return found
        lookup = (
            api
            if not source_region or source_region == region
            else self.env.api(stage, source_region)
        )
        found = inventory.find(lookup, name)
        if found is None:
            raise CloudStateError(
                f"source server group {name} not found in {source_region or region}"
            )
        return found


class CreateServerGroupTask(CloudTask):
    """A launch configuration and a scaling group named for the next sequence of the cluster.

    Names are reserved in the context before anything is created, and both creations first look
    for what an earlier attempt made, so a retried call never creates a second group."""

    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        context = stage.context
        region = config.region(context)
        account = config.account(context)
        api = self.env.api(stage, region)
        spec = DeploySpec.from_context(context["deployDescription"])
        moniker = config.moniker(context, stage)
        name = str(context.get("serverGroupName") or "") if context.get("nameReserved") else ""
        if not name:
            existing = [group.name for group in inventory.list_cluster(api, moniker.cluster)]
            name = moniker.with_sequence(
                naming.next_sequence(existing, moniker.cluster)
            ).server_group
            progress.update(serverGroupName=name, nameReserved=True)
        versioned = naming.parse(name)
        tags = versioned.tags()
        lc_name = f"{name}-{stage.id[-6:].lower()}"
        lc_id = operations.ensure_launch_configuration(api, lc_name, spec.launch, tags)
        progress["launchConfigurationId"] = lc_id
        group_id = operations.ensure_group(api, spec.create_group_params(name, lc_id, tags))
        created = {
            "serverGroupName": name,
            "asgName": name,
            "autoScalingGroupId": group_id,
            "launchConfigurationId": lc_id,
            "deploy.server.groups": {region: [name]},
            "deploy.account.name": account,
        }
        return TaskResult.succeeded(created, created)


class WaitForUpInstancesTask(WaitForCapacityTask):
    def run(self, stage: Stage, progress: dict[str, Any]) -> TaskResult:
        result = super().run(stage, progress)
        if result.status == Status.SUCCEEDED:
            return TaskResult.succeeded({**result.context, "deployHealthy": True})
        return result


class ServerGroupDeployStage(RegionalStage):
    """`createServerGroup` / `cloneServerGroup`: create, wait healthy, then the strategy."""

    runtime_keys = (
        "serverGroupName",
        "asgName",
        "nameReserved",
        "autoScalingGroupId",
        "launchConfigurationId",
        "deploy.server.groups",
        "deploy.account.name",
        "deployDescription",
        "source",
        "savedCapacity",
        "deployHealthy",
        "health",
    )

    def __init__(self, env: Environment, stage_type: str) -> None:
        self.type = stage_type
        self.determine = DetermineSourceServerGroupTask(env)
        self.create = CreateServerGroupTask(env)
        self.wait = WaitForUpInstancesTask(env)
        self.tasks = (self.determine, self.create, self.wait)

    def regional_tasks(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("determineSourceServerGroup", self.determine),
            TaskDefinition("createServerGroup", self.create),
            TaskDefinition("waitForUpInstances", self.wait),
        )

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if self.fans_out(stage):
            return ()
        return strategies.after_stages(stage)

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if self.fans_out(stage):
            return ()
        return strategies.on_failure_stages(stage)


class CollectDeployedServerGroupsTask(BaseTask):
    """`deploy.server.groups` ({region: [names]}) of every cluster, for downstream expressions."""

    def execute(self, stage: Stage) -> TaskResult:
        groups: dict[str, list[str]] = {}
        accounts: list[str] = []
        for child in _deploy_descendants(stage):
            for region, names in (child.context.get("deploy.server.groups") or {}).items():
                bucket = groups.setdefault(region, [])
                bucket += [name for name in names if name not in bucket]
            account = child.context.get("deploy.account.name")
            if account and account not in accounts:
                accounts.append(account)
        outputs: dict[str, Any] = {"deploy.server.groups": groups}
        if accounts:
            outputs["deploy.account.name"] = accounts[0]
        return TaskResult.succeeded(outputs, outputs)


def _deploy_descendants(stage: Stage) -> list[Stage]:
    execution = stage.execution
    found: list[Stage] = []
    pending = list(execution.children_of(stage.id))
    while pending:
        child = pending.pop(0)
        if child.type in DEPLOY_TYPES and child.context.get("serverGroupName"):
            found.append(child)
        pending += execution.children_of(child.id)
    return found


def clusters(context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Spinnaker's `clusters[]`, or the stage itself as the one cluster."""
    given = context.get("clusters")
    if given is None:
        return [child_context(context)]
    if not isinstance(given, list) or not all(isinstance(item, Mapping) for item in given):
        raise config.ConfigError("clusters must be a list of objects")
    shared = {
        key: context[key] for key in ("account", "credentials", "application") if key in context
    }
    return [{**shared, **dict(item)} for item in given]


class DeployStage(BaseStageBuilder):
    """`deploy`: one `createServerGroup` per cluster (run one after another), then the outputs.

    Parallel deploys are parallel branches of the pipeline: each branch its own `deploy`."""

    type = "deploy"

    def __init__(self) -> None:
        self.collect = CollectDeployedServerGroupsTask()
        self.tasks = (self.collect,)

    def before_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        out = []
        for cluster in clusters(stage.context):
            try:
                name = config.moniker(cluster, stage).cluster
            except config.ConfigError:
                name = "cluster"
            where = cluster.get("region") or ", ".join(cluster.get("regions") or [])
            label = f"Deploy {name}" + (f" in {where}" if where else "")
            out.append(SyntheticStage("createServerGroup", label, cluster))
        return out

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("collectDeployedServerGroups", self.collect),)
