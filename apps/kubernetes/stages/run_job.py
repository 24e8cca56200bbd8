"""`runJobManifest`: run a Job, keep its logs, turn `SPINNAKER_PROPERTY_*` lines into outputs."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Sequence
from typing import Any

from apps.kubernetes.stages.applying import with_last_applied
from apps.kubernetes.stages.artifacts import Binder, prior_artifacts, required_artifacts
from apps.kubernetes.stages.environment import (
    MANIFEST_NAMES_KEY,
    Environment,
    KubernetesTask,
    application,
)
from apps.kubernetes.stages.kinds import JOB, POD
from apps.kubernetes.stages.manifests import (
    JsonDict,
    ManifestError,
    Moniker,
    annotate_manifest,
    clean_for_output,
    label_manifest,
    metadata,
    parse_documents,
)
from apps.kubernetes.stages.stability import events_of, health
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import TaskResult

POLL_MS = 5_000
MAX_LOG_CHARS = 64_000
PROPERTY_PREFIX = "SPINNAKER_PROPERTY_"
CONFIG_PREFIX = "SPINNAKER_CONFIG_JSON="


def parse_properties(logs: str) -> dict[str, Any]:
    """`SPINNAKER_PROPERTY_K=V` and `SPINNAKER_CONFIG_JSON={...}` lines (merged, last wins)."""
    found: dict[str, Any] = {}
    for line in logs.splitlines():
        text = line.strip()
        if text.startswith(PROPERTY_PREFIX) and "=" in text:
            key, _, value = text[len(PROPERTY_PREFIX) :].partition("=")
            if key:
                found[key] = value
        elif text.startswith(CONFIG_PREFIX):
            try:
                parsed = json.loads(text[len(CONFIG_PREFIX) :])
            except ValueError:
                continue
            if isinstance(parsed, dict):
                found.update(parsed)
    return found


def _suffix() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(5))


class RunJobTask(KubernetesTask):
    task_type = "runJob"

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        documents = parse_documents(context.get("manifest") or context.get("manifests"))
        jobs = [doc for doc in documents if doc.get("kind") == "Job"]
        if len(jobs) != 1 or len(documents) != 1:
            raise ManifestError("runJobManifest runs exactly one Job manifest")
        job = jobs[0]
        meta = metadata(job)
        if not meta.get("name") and not meta.get("generateName"):
            raise ManifestError("the Job needs metadata.name or metadata.generateName")
        if meta.get("name") and not meta.get("generateName"):
            # Every run is a new Job, as in Spinnaker: a unique suffix on the given name.
            meta["name"] = f"{meta['name']}-{_suffix()}"
        Binder(required_artifacts(stage, context) + prior_artifacts(stage)).bind(job)
        label_manifest(job, Moniker(app=application(stage)))
        annotate_manifest(job, Moniker(app=application(stage)), {})
        with self.env.cluster(stage) as cluster:
            namespace = str(
                context.get("namespaceOverride")
                or meta.get("namespace")
                or cluster.default_namespace
            )
            meta["namespace"] = namespace
            created = cluster.create(JOB, namespace, with_last_applied(job))
        name = created["metadata"]["name"]
        results = {
            MANIFEST_NAMES_KEY: {namespace: [f"job {name}"]},
            "jobName": name,
            "jobNamespace": namespace,
            "deploy.jobs": {namespace: [f"job {name}"]},
        }
        return TaskResult.succeeded(results, results)


class WaitOnJobCompletionTask(KubernetesTask):
    """Poll the Job; when it ends, store its logs and parse them for outputs."""

    task_type = "waitOnJobCompletion"
    retryable = True
    timeout_overridable = True

    def backoff_ms(self, stage: Stage) -> int:
        return POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return 2 * 60 * 60 * 1000

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        name = str(context["jobName"])
        namespace = str(context["jobNamespace"])
        with self.env.cluster(stage) as cluster:
            job = cluster.get(JOB, namespace, name)
            if job is None:
                return TaskResult.terminal(f"job {name} disappeared before it finished")
            state = health(job)
            if not state.stable and not state.failed:
                return TaskResult.running({"jobStatus": self._status(job, "RUNNING")})
            pods = cluster.list(POD, namespace, labels=f"job-name={name}")
            pods.sort(key=lambda pod: str(pod["metadata"].get("creationTimestamp") or ""))
            container = context.get("propertyFile")
            logs = self._logs(cluster, namespace, pods, str(container) if container else None)
            events = events_of(cluster, JOB, job, pods) if state.failed else []
            if self._delete(context, succeeded=not state.failed):
                cluster.delete(JOB, namespace, name, cascading=True)
        text = "\n".join(logs.values())
        status_name = "FAILED" if state.failed else "SUCCEEDED"
        outcome: dict[str, Any] = {
            "jobStatus": {**self._status(job, status_name), "logs": text[-MAX_LOG_CHARS:]},
            "logs": {pod: log[-MAX_LOG_CHARS:] for pod, log in logs.items()},
            "completionDetails": {"message": state.message},
        }
        if state.failed:
            outcome["events"] = events
            outcome["exception"] = {"details": {"error": state.message, "errors": [state.message]}}
            return TaskResult(Status.TERMINAL, outcome)
        properties = {} if context.get("noOutput") is True else parse_properties(text)
        outcome["propertyFileContents"] = properties
        return TaskResult(
            Status.SUCCEEDED, outcome, {**properties, "propertyFileContents": properties}
        )

    @staticmethod
    def _status(job: JsonDict, name: str) -> JsonDict:
        status = job.get("status") or {}
        return {
            "name": job["metadata"]["name"],
            "location": job["metadata"].get("namespace"),
            "status": name,
            "succeeded": status.get("succeeded", 0),
            "failed": status.get("failed", 0),
            "active": status.get("active", 0),
            "manifest": clean_for_output(job),
        }

    @staticmethod
    def _logs(
        cluster: Any, namespace: str, pods: list[JsonDict], container: str | None
    ) -> dict[str, str]:
        logs: dict[str, str] = {}
        for pod in pods:
            containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
            chosen = (
                container if container in containers else (containers[0] if containers else None)
            )
            try:
                logs[pod["metadata"]["name"]] = cluster.logs(
                    namespace, pod["metadata"]["name"], chosen
                )
            except Exception as error:  # a pod that never started has no logs; say so, go on
                logs[pod["metadata"]["name"]] = f"(no logs: {error})"
        return logs

    @staticmethod
    def _delete(context: dict[str, Any], *, succeeded: bool) -> bool:
        choice = context.get("deleteJob")
        if isinstance(choice, str):
            choice = choice.lower()
            return choice == "always" or (choice in ("true", "onsuccess") and succeeded)
        return choice is True


class RunJobManifestStage(BaseStageBuilder):
    type = "runJobManifest"

    def __init__(self, environment: Environment) -> None:
        self.run_job = RunJobTask(environment)
        self.wait = WaitOnJobCompletionTask(environment)
        self.tasks = (self.run_job, self.wait)
        self.env = environment

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        graph = [TaskDefinition("runJob", self.run_job)]
        if stage.context.get("waitForCompletion") is not False:
            graph.append(TaskDefinition("waitOnJobCompletion", self.wait))
        return graph

    def cancel(self, stage: Stage) -> None:
        """A canceled run stops its Job (Spinnaker deletes it too)."""
        if stage.status.value != "CANCELED" or not stage.context.get("jobName"):
            return
        with self.env.cluster(stage) as cluster:
            cluster.delete(JOB, str(stage.context["jobNamespace"]), str(stage.context["jobName"]))

    def prepare_for_restart(self, stage: Stage) -> None:
        for key in (
            "jobName",
            "jobNamespace",
            "jobStatus",
            "logs",
            "propertyFileContents",
            "exception",
        ):
            stage.context.pop(key, None)
