"""The test harness: engine + sandbox on one clock, pipeline runs, and cloud-side inspection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.tencentcloud.stages import inventory, register
from apps.tencentcloud.stages.api import CloudApi
from apps.tencentcloud.stages.model import ServerGroup
from engine.expression_adapter import PipelineExpressions
from engine.launcher import build_execution
from engine.memory import FixedClock, InMemoryEngine
from engine.model import Execution, Stage
from engine.stages.builtin import builtin_registry
from engine.status import Status
from sandbox.tencentcloud import SandboxTencentCloud

REGION = "ap-guangzhou"
ACCOUNT = "sandbox-tencent"
APP = "shop"


class SharedClock(FixedClock):
    """The engine's clock (ms) that the sandbox also reads (seconds): one timeline for both."""

    def now(self) -> float:
        return self.now_ms() / 1000


@dataclass(frozen=True)
class Connection:
    secret_id: str
    secret_key: str
    regions: list[str]
    endpoint: str


class UnknownAccount(LookupError):
    pass


def cluster_config(**overrides: Any) -> dict[str, Any]:
    """A cluster deployed from scratch behind the sandbox CLB's HTTP listener."""
    base: dict[str, Any] = {
        "account": ACCOUNT,
        "region": REGION,
        "application": APP,
        "stack": "web",
        "freeFormDetails": "",
        "imageId": "img-demo0001",
        "instanceType": "S5.MEDIUM2",
        "vpcId": "vpc-sandbox1",
        "subnetIds": ["subnet-sandbox1", "subnet-sandbox2"],
        "securityGroupIds": ["sg-sandbox1"],
        "userData": "#!/bin/sh\necho hello\n",
        "systemDisk": {"diskType": "CLOUD_PREMIUM", "diskSize": 50},
        "capacity": {"min": 1, "max": 4, "desired": 2},
        "forwardLoadBalancers": [
            {
                "loadBalancerId": "lb-sandbox1",
                "listenerId": "lbl-sandbox1",
                "locationId": "loc-sandbox1",
                "targetAttributes": [{"port": 80, "weight": 10}],
            }
        ],
        "strategy": "redblack",
    }
    base.update(overrides)
    return base


class Harness:
    def __init__(self, cloud: SandboxTencentCloud, clock: SharedClock) -> None:
        self.cloud = cloud
        self.clock = clock
        secret_id, secret_key = cloud.credentials
        self.connection = Connection(secret_id, secret_key, list(cloud.regions), cloud.url)
        self.resolved: list[tuple[str | None, str]] = []
        expressions = PipelineExpressions(clock=clock)
        registry = builtin_registry(clock=clock, expressions=expressions)
        register(registry, connections=self.connections, clock=clock)
        self.engine = InMemoryEngine(
            clock=clock, registry=registry, expressions=expressions, snapshot=True
        )
        self.api = CloudApi(self.connection, REGION)

    def connections(self, execution: Execution, account: str) -> Connection:
        self.resolved.append((execution.team, account))
        if account == "bad-keys":
            return Connection(self.connection.secret_id, "not-the-key", [REGION], self.cloud.url)
        if account != ACCOUNT:
            raise UnknownAccount(f"no Tencent Cloud account {account!r} in team {execution.team}")
        return self.connection

    # -- running pipelines --------------------------------------------------------------------

    def start(self, stages: list[Mapping[str, Any]], **config: Any) -> str:
        pipeline = {"name": "tencent", "application": APP, "stages": list(stages), **config}
        execution = build_execution(
            pipeline,
            trigger={"type": "manual", "user": "tester"},
            application=APP,
            user="tester",
            time_zone="UTC",
            clock=self.clock,
            team="acme",
        )
        self.engine.start(execution)
        return execution.id

    def run(self, execution_id: str, *, minutes: float = 120) -> Execution:
        """Deliver messages until idle, at most `minutes` of simulated time from now."""
        self.engine.run(until_ms=self.clock.now_ms() + int(minutes * 60_000))
        return self.engine.execution(execution_id)

    def pipeline(self, *stages: Mapping[str, Any], minutes: float = 120) -> Execution:
        return self.run(self.start(list(stages)), minutes=minutes)

    def judge(self, execution_id: str, stage_name: str, status: str = "continue") -> None:
        stage = self.stage(self.engine.execution(execution_id), stage_name)
        self.engine.operations.judge(
            execution_id=execution_id, stage_id=stage.id, status=status, user="tester"
        )

    # -- looking at things --------------------------------------------------------------------

    @staticmethod
    def stage(execution: Execution, name: str) -> Stage:
        found = [stage for stage in execution.stages if stage.name == name]
        assert found, f"no stage {name!r}; have {[s.name for s in execution.stages]}"
        return found[-1]

    @staticmethod
    def statuses(execution: Execution) -> dict[str, str]:
        return {stage.name: stage.status.value for stage in execution.stages}

    def groups(self, cluster: str) -> dict[str, ServerGroup]:
        return {group.name: group for group in inventory.list_cluster(self.api, cluster)}

    def group(self, name: str) -> ServerGroup:
        found = inventory.find(self.api, name)
        assert found is not None, f"{name} does not exist"
        return found

    def serving(self, name: str) -> list[str]:
        """Instances of the group the CLB sends traffic to (weight > 0 and healthy)."""
        group = self.group(name)
        targets = inventory.clb_targets(self.api, group, self.members(name))
        return sorted(
            instance_id
            for instance_id, registrations in targets.items()
            if registrations and all(t.weight > 0 and t.healthy for t in registrations)
        )

    def weights(self, name: str) -> dict[str, list[int]]:
        group = self.group(name)
        return {
            instance_id: [t.weight for t in registrations]
            for instance_id, registrations in inventory.clb_targets(
                self.api, group, self.members(name)
            ).items()
        }

    def members(self, name: str) -> list[str]:
        return [i.instance_id for i in inventory.instances(self.api, self.group(name).group_id)]

    def settle(self, seconds: float = 60) -> None:
        """Let simulated time pass outside a pipeline (instances boot, pass checks, leave)."""
        self.clock.advance(int(seconds * 1000))
        self.cloud.tick()


def succeeded(execution: Execution) -> bool:
    return execution.status == Status.SUCCEEDED


def failure_message(execution: Execution) -> str:
    for stage in execution.stages:
        details = (stage.context.get("exception") or {}).get("details") or {}
        if details.get("error"):
            return f"{stage.name}: {details['error']}"
    return ""
