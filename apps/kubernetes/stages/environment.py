"""What every Kubernetes task gets: account resolution, a clock, expressions, and error handling."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apps.kubernetes.stages.cluster import Cluster, ClusterError, open_cluster
from apps.kubernetes.stages.kinds import UnknownKindError
from apps.kubernetes.stages.manifests import ManifestError
from engine.model import Execution, Stage
from engine.ports import Clock, ExpressionProcessor
from engine.tasks import BaseTask, TaskResult

if TYPE_CHECKING:
    from apps.cloudaccounts.connections import KubernetesConnection

Connections = Callable[[Execution, str], "KubernetesConnection"]

MANIFEST_NAMES_KEY = "outputs.manifestNamesByNamespace"
MANIFESTS_KEY = "outputs.manifests"


class StageConfigError(ValueError):
    """The stage's configuration cannot work (missing account, bad target...)."""


@dataclass(frozen=True)
class Environment:
    connections: Connections
    clock: Clock
    expressions: ExpressionProcessor

    def account(self, context: Mapping[str, Any]) -> str:
        account = context.get("account") or context.get("credentials")
        if not account:
            raise StageConfigError("the stage names no Kubernetes account (`account`)")
        return str(account)

    @contextmanager
    def cluster(self, stage: Stage, account: str | None = None) -> Iterator[Cluster]:
        name = account or self.account(stage.context)
        try:
            connection = self.connections(stage.execution, name)
        except StageConfigError:
            raise
        except Exception as error:
            # The resolver's own message (unknown account, sandbox not running) is the useful part.
            raise StageConfigError(f"cannot use Kubernetes account {name!r}: {error}") from error
        with open_cluster(connection) as cluster:
            yield cluster

    def now_ms(self) -> int:
        return self.clock.now_ms()


def application(stage: Stage) -> str:
    context = stage.context
    moniker = context.get("moniker")
    if isinstance(moniker, Mapping) and moniker.get("app"):
        return str(moniker["app"])
    return str(context.get("app") or context.get("application") or stage.execution.application)


EXPECTED_ERRORS = (ClusterError, ManifestError, StageConfigError, UnknownKindError)


class KubernetesTask(BaseTask):
    """A task whose expected failures (API errors, bad manifests) end the stage with a message."""

    def __init__(self, environment: Environment) -> None:
        self.env = environment

    def execute(self, stage: Stage) -> TaskResult:
        try:
            return self.run(stage)
        except EXPECTED_ERRORS as error:
            return TaskResult.terminal(str(error))

    def run(self, stage: Stage) -> TaskResult:
        raise NotImplementedError
