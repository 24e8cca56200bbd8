"""`waitForManifestToStabilize`: poll each manifest a stage touched until stable or failed."""

from __future__ import annotations

from typing import Any

from apps.kubernetes.stages.cluster import Cluster, ClusterError
from apps.kubernetes.stages.environment import MANIFEST_NAMES_KEY, KubernetesTask
from apps.kubernetes.stages.manifests import parse_full_name
from apps.kubernetes.stages.stability import events_of, health, pod_problems, pods_of
from engine.model import Stage
from engine.status import Status
from engine.tasks import TaskResult

POLL_MS = 5_000
TIMEOUT_MS = 30 * 60 * 1000


def manifest_names(stage: Stage) -> dict[str, list[str]]:
    context = stage.merged_context()
    raw = context.get(MANIFEST_NAMES_KEY)
    if not isinstance(raw, dict):
        raw = (context.get("outputs") or {}).get("manifestNamesByNamespace")
    return {str(ns): [str(n) for n in names] for ns, names in (raw or {}).items()}


class WaitForManifestStableTask(KubernetesTask):
    """Spinnaker's task of the same name: 5 s polls, 30 min timeout (stageTimeoutMs overrides)."""

    task_type = "waitForManifestToStabilize"
    retryable = True
    timeout_overridable = True

    def backoff_ms(self, stage: Stage) -> int:
        return POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return TIMEOUT_MS

    def run(self, stage: Stage) -> TaskResult:
        wanted = manifest_names(stage)
        with self.env.cluster(stage) as cluster:
            try:
                return self._check(stage, cluster, wanted)
            except ClusterError as error:
                if error.status is None or error.status >= 500:
                    # Unreachable for a moment: the next poll may succeed (Spinnaker does the same).
                    return TaskResult.running({"messages": [f"Unable to read manifests: {error}"]})
                raise

    def _check(self, stage: Stage, cluster: Cluster, wanted: dict[str, list[str]]) -> TaskResult:
        messages: list[str] = []
        stable: list[dict[str, str]] = []
        failed: list[dict[str, str]] = []
        failures: list[str] = []
        events: list[Any] = []
        account = self.env.account(stage.context)
        for namespace, names in wanted.items():
            for full_name in names:
                kind, name = parse_full_name(full_name)
                identifier = f"'{full_name}' in '{namespace}' for account {account}"
                where = {"manifestName": full_name, "location": namespace}
                live = cluster.get(kind, namespace, name)
                if live is None:
                    failed.append(where)
                    failures.append(f"{identifier}: no longer exists")
                    continue
                state = health(live)
                if state.stable:
                    stable.append(where)
                    continue
                pods = pods_of(cluster, kind, live) if kind.receives_traffic else []
                problems = pod_problems(pods)
                events.extend(events_of(cluster, kind, live, pods))
                if state.failed:
                    failed.append(where)
                    failures.append(f"{identifier}: {state.message}")
                    failures.extend(problems)
                else:
                    messages.append(
                        f"{identifier}: {state.message or 'waiting for manifest to stabilize'}"
                    )
                    messages.extend(problems)
        context: dict[str, Any] = {
            "messages": messages + failures,
            "stableManifests": stable,
            "failedManifests": failed,
            "events": events,
        }
        if failures:
            context["exception"] = {"details": {"error": failures[0], "errors": failures}}
            return TaskResult(Status.TERMINAL, context)
        if messages:
            return TaskResult.running(context)
        return TaskResult.succeeded(context)
