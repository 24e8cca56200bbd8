"""`bakeManifest`: render a Helm chart or a Kustomize directory into an embedded/base64 artifact."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from apps.kubernetes.stages.artifacts import EMBEDDED, bind_produced, bound_artifact
from apps.kubernetes.stages.environment import Environment, KubernetesTask, StageConfigError
from apps.kubernetes.stages.manifests import ManifestError
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.tasks import TaskResult

RENDER_TIMEOUT_SECONDS = 120
HELM = ("HELM2", "HELM3")
KUSTOMIZE = ("KUSTOMIZE", "KUSTOMIZE4")


def _input_artifacts(stage: Stage) -> list[dict[str, Any]]:
    context = stage.context
    entries = list(context.get("inputArtifacts") or [])
    if isinstance(context.get("inputArtifact"), Mapping):
        entries.insert(0, context["inputArtifact"])
    found: list[dict[str, Any]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        inline = entry.get("artifact")
        artifact = dict(inline) if isinstance(inline, Mapping) and inline.get("type") else None
        if artifact is None and entry.get("id"):
            artifact = bound_artifact(stage, str(entry["id"]))
        if artifact is None:
            raise ManifestError(
                f"input artifact {entry.get('id')!r} is not bound in this execution"
            )
        found.append(artifact)
    if not found:
        raise StageConfigError("bakeManifest needs an input artifact (the chart or kustomization)")
    return found


def _unpack(artifact: Mapping[str, Any], into: Path) -> Path:
    """An embedded/base64 artifact holding a .tgz (chart or directory) or one YAML file."""
    if artifact.get("type") != EMBEDDED:
        raise ManifestError(
            f"input artifacts of type {artifact.get('type')} cannot be fetched by this platform: "
            "pass the chart or directory as an embedded/base64 .tgz"
        )
    data = base64.b64decode(str(artifact.get("reference") or ""))
    if data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(into, filter="data")
        entries = list(into.iterdir())
        return entries[0] if len(entries) == 1 and entries[0].is_dir() else into
    target = into / (str(artifact.get("name") or "values.yaml").rsplit("/", 1)[-1] or "values.yaml")
    target.write_bytes(data)
    return target


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - fixed binaries, argument lists
            command, capture_output=True, text=True, timeout=RENDER_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ManifestError(
            f"{command[0]} did not finish within {RENDER_TIMEOUT_SECONDS} s"
        ) from None
    if done.returncode != 0:
        raise ManifestError(f"{' '.join(command[:2])} failed: {done.stderr.strip()[:2000]}")
    return done.stdout


def _binary(name: str, renderer: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StageConfigError(
            f"bakeManifest with {renderer} needs the `{name}` binary on the server's PATH, and it "
            "is not installed here; install it, or bake elsewhere and deploy an embedded/base64 "
            "artifact"
        )
    return found


def render(stage: Stage, workdir: Path) -> str:
    context = stage.context
    renderer = str(context.get("templateRenderer") or "HELM3").upper()
    artifacts = _input_artifacts(stage)
    source = _unpack(artifacts[0], workdir / "input")
    if renderer in KUSTOMIZE:
        kubectl = _binary("kubectl", renderer)
        path = str(context.get("kustomizeFilePath") or "")
        directory = source / os.path.dirname(path) if path else source
        return _run([kubectl, "kustomize", str(directory)])
    if renderer not in HELM:
        raise StageConfigError(
            f"template renderer {renderer} is not supported (use HELM3 or KUSTOMIZE)"
        )
    helm = _binary("helm", renderer)
    chart = source / str(context.get("helmChartFilePath") or "")
    command = [helm, "template", str(context.get("outputName") or "release"), str(chart)]
    if context.get("namespace"):
        command += ["--namespace", str(context["namespace"])]
    for index, values in enumerate(artifacts[1:]):
        command += ["--values", str(_unpack(values, workdir / f"values-{index}"))]
    flag = "--set" if context.get("rawOverrides") else "--set-string"
    for key, value in (context.get("overrides") or {}).items():
        command += [flag, f"{key}={value}"]
    if context.get("includeCRDs"):
        command.append("--include-crds")
    return _run(command)


class BakeManifestTask(KubernetesTask):
    task_type = "bakeManifest"

    def run(self, stage: Stage) -> TaskResult:
        workdir = Path(tempfile.mkdtemp(prefix="cdp-bake-"))
        try:
            (workdir / "input").mkdir()
            rendered = render(stage, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        expected = [
            e for e in stage.context.get("expectedArtifacts") or [] if isinstance(e, Mapping)
        ]
        match = (expected[0].get("matchArtifact") or {}) if expected else {}
        artifact = {
            "type": EMBEDDED,
            "name": str(stage.context.get("outputName") or match.get("name") or "baked-manifest"),
            "reference": base64.b64encode(rendered.encode("utf-8")).decode("ascii"),
        }
        outputs: dict[str, Any] = {"artifacts": [artifact]}
        produced = bind_produced(stage.context, [artifact])
        if expected and not produced:
            produced = [{**dict(expected[0]), "boundArtifact": artifact}]
        if produced:
            outputs["resolvedExpectedArtifacts"] = produced
        return TaskResult.succeeded(outputs, outputs)


class BakeManifestStage(BaseStageBuilder):
    type = "bakeManifest"

    def __init__(self, environment: Environment) -> None:
        self.bake = BakeManifestTask(environment)
        self.tasks = (self.bake,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("bakeManifest", self.bake),)
