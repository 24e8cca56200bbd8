"""Canary over plain Deployments: stable + canary workloads, weighted by replicas or ingress."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from typing import Any

from apps.kubernetes.stages.applying import apply
from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.environment import KubernetesTask, StageConfigError
from apps.kubernetes.stages.kinds import DEPLOYMENT, INGRESS, SERVICE
from apps.kubernetes.stages.manifests import (
    DEPLOYMENT_REVISION,
    Coordinates,
    JsonDict,
    Strategy,
    labels,
    name_of,
    parse_full_name,
    replicas_of,
    strategy_of,
    template_labels,
)
from apps.kubernetes.stages.stability import events_of, health, pod_problems, pods_of
from engine.model import Stage
from engine.status import Status
from engine.tasks import TaskResult

CANARY_LABEL = "cdplatform.io/canary"
NGINX_CANARY = "nginx.ingress.kubernetes.io/canary"
NGINX_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight"
ACTION_KEY = "canaryAction"
ACTIONS = ("continue", "promote", "abort")
POLL_MS = 5_000
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(value: Any) -> float | None:
    """`pause: {duration: 30 | "30s" | "5m" | "1h"}`; None for an indefinite pause."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if match is None:
        raise StageConfigError(f"pause duration {value!r} is not a number with s, m, h or d")
    return float(match.group(1)) * _UNITS[match.group(2)]


def canary_options(options: Mapping[str, Any]) -> JsonDict:
    raw = options.get("canary")
    merged = dict(raw) if isinstance(raw, Mapping) else {}
    for key in ("steps", "ingress"):
        if key not in merged and key in options:
            merged[key] = options[key]
    return merged


def validate_steps(steps: Any) -> list[JsonDict]:
    if not isinstance(steps, list) or not steps:
        raise StageConfigError("a canary needs `steps` (setWeight and pause)")
    checked: list[JsonDict] = []
    for position, step in enumerate(steps):
        if not isinstance(step, Mapping) or len(step) != 1:
            raise StageConfigError(f"canary step {position} must be one of setWeight or pause")
        if "setWeight" in step:
            weight = step["setWeight"]
            if not isinstance(weight, int | float) or not 0 <= weight <= 100:
                raise StageConfigError(f"canary step {position}: setWeight must be 0-100")
            checked.append({"setWeight": int(weight)})
        elif "pause" in step:
            pause = step["pause"] if isinstance(step["pause"], Mapping) else {}
            duration_seconds(pause.get("duration"))
            checked.append({"pause": dict(pause)})
        else:
            raise StageConfigError(f"canary step {position} must be one of setWeight or pause")
    return checked


# -- setting up -----------------------------------------------------------------------------------


def prepare(
    cluster: Cluster,
    candidates: list[tuple[Coordinates, JsonDict]],
    options: Mapping[str, Any],
    applied: list[JsonDict],
) -> JsonDict:
    """Start a canary next to the existing stable Deployment (weight 0)."""
    settings = canary_options(options)
    steps = validate_steps(settings.get("steps"))
    if not candidates:
        return {
            "active": False,
            "phase": "completed",
            "reason": "no stable version yet: deployed at full weight",
        }
    if len(candidates) > 1:
        raise StageConfigError("a canary deploy takes exactly one Deployment")
    where, manifest = candidates[0]
    stable = cluster.get(DEPLOYMENT, where.namespace, where.name)
    assert stable is not None
    replicas = replicas_of(manifest) or replicas_of(stable) or 1
    canary_name = f"{where.name}-canary"
    canary = copy.deepcopy(manifest)
    canary["metadata"]["name"] = canary_name
    for target in (labels(canary), template_labels(canary) or {}):
        target[CANARY_LABEL] = "true"
    canary["spec"].setdefault("selector", {}).setdefault("matchLabels", {})[CANARY_LABEL] = "true"
    canary["spec"]["replicas"] = 0
    state: JsonDict = {
        "active": True,
        "phase": "progressing",
        "namespace": where.namespace,
        "stableName": where.name,
        "canaryName": canary_name,
        "replicas": replicas,
        "steps": steps,
        "stepIndex": 0,
        "stepStartedAt": None,
        "weight": 0,
        "ingress": None,
        "canaryIngress": None,
        "canaryServices": [],
        "stableManifest": manifest,
        "stableRevision": (stable["metadata"].get("annotations") or {}).get(DEPLOYMENT_REVISION),
    }
    ingress_name = settings.get("ingress")
    if ingress_name:
        _prepare_ingress(cluster, where.namespace, str(ingress_name), canary, state)
    apply(cluster, Coordinates(DEPLOYMENT, where.namespace, canary_name), canary, Strategy())
    return state


def _prepare_ingress(
    cluster: Cluster, namespace: str, ingress_name: str, canary: JsonDict, state: JsonDict
) -> None:
    """A canary Service per backend Service and a canary Ingress carrying the weight annotation."""
    plain = parse_full_name(ingress_name)[1] if " " in ingress_name else ingress_name
    primary = cluster.get(INGRESS, namespace, plain)
    if primary is None:
        raise StageConfigError(f"ingress {plain} does not exist in {namespace}")
    spec = copy.deepcopy(primary.get("spec") or {})
    renamed: dict[str, str] = {}
    pod_labels = template_labels(canary) or {}
    for backend in _backends(spec):
        service_name = backend.get("name")
        if not service_name or service_name in renamed:
            continue
        service = cluster.get(SERVICE, namespace, service_name)
        if service is None:
            raise StageConfigError(f"ingress backend service {service_name} does not exist")
        selector = dict((service.get("spec") or {}).get("selector") or {})
        # Canary pods must leave the stable Service: their selector labels get a -canary value.
        canary_selector = {key: f"{value}-canary" for key, value in selector.items()}
        pod_labels.update(canary_selector)
        canary_service = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": f"{service_name}-canary", "namespace": namespace},
            "spec": {
                "selector": canary_selector,
                "ports": [
                    {k: v for k, v in port.items() if k != "nodePort"}
                    for port in (service.get("spec") or {}).get("ports") or []
                ],
            },
        }
        apply(
            cluster,
            Coordinates(SERVICE, namespace, f"{service_name}-canary"),
            canary_service,
            Strategy(),
        )
        renamed[service_name] = f"{service_name}-canary"
    for backend in _backends(spec):
        if backend.get("name") in renamed:
            backend["name"] = renamed[backend["name"]]
    selector_labels = canary["spec"]["selector"]["matchLabels"]
    for key in list(selector_labels):
        if key in pod_labels:
            selector_labels[key] = pod_labels[key]
    canary_ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": f"{plain}-canary",
            "namespace": namespace,
            "annotations": {NGINX_CANARY: "true", NGINX_WEIGHT: "0"},
        },
        "spec": spec,
    }
    apply(cluster, Coordinates(INGRESS, namespace, f"{plain}-canary"), canary_ingress, Strategy())
    state["ingress"] = plain
    state["canaryIngress"] = f"{plain}-canary"
    state["canaryServices"] = sorted(renamed.values())


def _backends(spec: JsonDict) -> list[JsonDict]:
    found: list[JsonDict] = []
    default = (spec.get("defaultBackend") or {}).get("service")
    if isinstance(default, dict):
        found.append(default)
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            service = (path.get("backend") or {}).get("service")
            if isinstance(service, dict):
                found.append(service)
    return found


# -- moving traffic -------------------------------------------------------------------------------


def _scale(cluster: Cluster, namespace: str, name: str, replicas: int) -> None:
    cluster.patch(DEPLOYMENT, namespace, name, {"spec": {"replicas": replicas}}, patch_type="merge")


def _set_ingress_weight(cluster: Cluster, state: Mapping[str, Any], weight: int) -> None:
    if state.get("canaryIngress"):
        patch = {"metadata": {"annotations": {NGINX_WEIGHT: str(weight)}}}
        cluster.patch(
            INGRESS, state["namespace"], state["canaryIngress"], patch, patch_type="merge"
        )


def replica_split(total: int, weight: int, *, ingress: bool) -> tuple[int, int]:
    """(stable, canary) replicas; both sides round up, as Argo Rollouts does without a router."""
    canary = math.ceil(total * weight / 100)
    if ingress:
        return total, max(1, canary) if weight > 0 else 0
    return math.ceil(total * (100 - weight) / 100), canary


def set_weight(cluster: Cluster, state: JsonDict, weight: int) -> None:
    stable, canary = replica_split(
        int(state["replicas"]), weight, ingress=bool(state.get("canaryIngress"))
    )
    namespace = state["namespace"]
    # Grow the new side first so capacity never dips below what the weight asks for.
    if canary >= state.get("canaryReplicas", 0):
        _scale(cluster, namespace, state["canaryName"], canary)
        _scale(cluster, namespace, state["stableName"], stable)
    else:
        _scale(cluster, namespace, state["stableName"], stable)
        _scale(cluster, namespace, state["canaryName"], canary)
    _set_ingress_weight(cluster, state, weight)
    state["weight"] = weight
    state["canaryReplicas"] = canary
    state["stableReplicas"] = stable


def abort(cluster: Cluster, state: Mapping[str, Any]) -> JsonDict:
    """Traffic back to stable, canary scaled to zero (kept for inspection). Idempotent."""
    updated = dict(state)
    if not updated.get("active"):
        return updated
    namespace = updated["namespace"]
    _set_ingress_weight(cluster, updated, 0)
    _scale(cluster, namespace, updated["stableName"], int(updated["replicas"]))
    if cluster.get(DEPLOYMENT, namespace, updated["canaryName"]) is not None:
        _scale(cluster, namespace, updated["canaryName"], 0)
    updated.update(active=False, phase="aborted", weight=0, canaryReplicas=0)
    return updated


def _finish(cluster: Cluster, state: JsonDict) -> None:
    namespace = state["namespace"]
    _set_ingress_weight(cluster, state, 0)
    if state.get("canaryIngress"):
        cluster.delete(INGRESS, namespace, state["canaryIngress"])
    for service in state.get("canaryServices") or []:
        cluster.delete(SERVICE, namespace, service)
    cluster.delete(DEPLOYMENT, namespace, state["canaryName"])
    state.update(active=False, phase="completed", weight=100)


def _action(stage: Stage) -> tuple[str | None, str | None]:
    raw = stage.context.get(ACTION_KEY)
    if isinstance(raw, Mapping):
        return (str(raw.get("action") or "").lower() or None), raw.get("user")
    return (str(raw).lower() if raw else None), None


class RunCanaryTask(KubernetesTask):
    """Walks the steps, one poll at a time; `canaryAction` (continue/promote/abort) steers it."""

    task_type = "runCanary"
    retryable = True

    def backoff_ms(self, stage: Stage) -> int:
        return POLL_MS

    def run(self, stage: Stage) -> TaskResult:
        state = copy.deepcopy(stage.context.get("canary") or {})
        if not state.get("active"):
            return TaskResult.succeeded()
        action, user = _action(stage)
        with self.env.cluster(stage) as cluster:
            if action == "abort":
                state = abort(cluster, state)
                return self._fail(
                    state,
                    f"Canary aborted by {user or 'a user'}; traffic is back on the stable version",
                )
            canary_live = cluster.get(DEPLOYMENT, state["namespace"], state["canaryName"])
            if canary_live is None:
                state = abort(cluster, state)
                return self._fail(
                    state, "The canary Deployment disappeared; the canary was aborted"
                )
            canary_health = health(canary_live)
            if canary_health.failed:
                pods = pods_of(cluster, DEPLOYMENT, canary_live)
                state = abort(cluster, state)
                result = self._fail(
                    state, f"Canary failed: {canary_health.message}", pod_problems(pods)
                )
                return TaskResult(
                    result.status,
                    {**result.context, "events": events_of(cluster, DEPLOYMENT, canary_live, pods)},
                )
            if action == "promote" and state["phase"] != "promoting":
                state["phase"] = "promoting"
            consumed = action in ("promote", "continue")
            message = self._advance(cluster, stage, state, action == "continue")
        context: JsonDict = {"canary": state, "messages": [message]}
        if consumed:
            context[ACTION_KEY] = None
        if state["phase"] == "completed":
            return TaskResult.succeeded(context)
        if state["phase"] == "failed":
            return TaskResult(
                Status.TERMINAL,
                {**context, "exception": {"details": {"error": message, "errors": [message]}}},
            )
        return TaskResult.running(context)

    def _fail(self, state: JsonDict, message: str, extra: list[str] | None = None) -> TaskResult:
        errors = [message, *(extra or [])]
        return TaskResult(
            Status.TERMINAL,
            {
                "canary": state,
                ACTION_KEY: None,
                "messages": errors,
                "exception": {"details": {"error": message, "errors": errors}},
            },
        )

    def _advance(self, cluster: Cluster, stage: Stage, state: JsonDict, resume: bool) -> str:
        steps = state["steps"]
        namespace = state["namespace"]
        for _ in range(len(steps) + 2):
            if state["phase"] == "promoting":
                return self._promote(cluster, state)
            index = state["stepIndex"]
            if index >= len(steps):
                state["phase"] = "promoting"
                continue
            step = steps[index]
            if "setWeight" in step:
                weight = int(step["setWeight"])
                if state.get("weight") != weight or not state.get("weightApplied"):
                    set_weight(cluster, state, weight)
                    state["weightApplied"] = True
                for name in (state["canaryName"], state["stableName"]):
                    live = cluster.get(DEPLOYMENT, namespace, name)
                    if live is None or not health(live).stable:
                        return f"weight {weight}%: waiting for {name} to be ready"
                self._next(state)
                continue
            duration = duration_seconds(step["pause"].get("duration"))
            if duration is None:
                if not resume:
                    state["phase"] = "paused"
                    return f"paused at {state['weight']}%: waiting for continue, promote or abort"
                resume = False
                state["phase"] = "progressing"
                self._next(state)
                continue
            now = self.env.now_ms()
            if state.get("stepStartedAt") is None:
                state["stepStartedAt"] = now
            remaining = state["stepStartedAt"] + int(duration * 1000) - now
            if remaining > 0 and not resume:
                return (
                    f"paused at {state['weight']}% for {math.ceil(remaining / 1000)} more seconds"
                )
            resume = False
            self._next(state)
        return "progressing"

    @staticmethod
    def _next(state: JsonDict) -> None:
        state["stepIndex"] += 1
        state["stepStartedAt"] = None
        state["weightApplied"] = False

    def _promote(self, cluster: Cluster, state: JsonDict) -> str:
        namespace = state["namespace"]
        stable_name = state["stableName"]
        if not state.get("promotionApplied"):
            manifest = state["stableManifest"]
            apply(
                cluster,
                Coordinates(DEPLOYMENT, namespace, stable_name),
                manifest,
                strategy_of(manifest),
            )
            state["promotionApplied"] = True
            return f"promoting: rolling {stable_name} to the new version"
        live = cluster.get(DEPLOYMENT, namespace, stable_name)
        if live is None:
            state["phase"] = "failed"
            return f"{stable_name} disappeared during promotion"
        state_health = health(live)
        if state_health.failed:
            state["phase"] = "failed"
            return f"promotion failed: {state_health.message}"
        if not state_health.stable:
            return f"promoting: {state_health.message}"
        _finish(cluster, state)
        return f"promoted: {stable_name} runs the new version"


__all__ = ["ACTIONS", "ACTION_KEY", "RunCanaryTask", "abort", "name_of", "prepare"]
