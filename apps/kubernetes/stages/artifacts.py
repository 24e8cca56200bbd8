"""Artifacts: finding them for a stage, binding them into manifests, and reading them back out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.kubernetes.stages.manifests import (
    JsonDict,
    ManifestError,
    name_of,
    namespace_of,
    pod_specs,
    split_version,
)
from engine.graph import ancestors
from engine.model import Stage

DOCKER_IMAGE = "docker/image"
CONFIG_MAP = "kubernetes/configMap"
SECRET = "kubernetes/secret"  # noqa: S105 - an artifact type, not a password
EMBEDDED = "embedded/base64"


def _artifact_list(value: Any) -> list[JsonDict]:
    return [dict(item) for item in value or [] if isinstance(item, Mapping)]


def _expected_artifacts(stage: Stage) -> list[JsonDict]:
    """Resolved expected artifacts of the trigger and of every stage upstream, nearest first."""
    found: list[JsonDict] = []
    for ancestor in ancestors(stage):
        found.extend(_artifact_list(ancestor.outputs.get("resolvedExpectedArtifacts")))
    found.extend(_artifact_list(stage.execution.trigger.get("resolvedExpectedArtifacts")))
    return found


def prior_artifacts(stage: Stage) -> list[JsonDict]:
    """Orca's `getArtifacts(stage)`: artifacts produced upstream, then the trigger's."""
    found: list[JsonDict] = []
    for ancestor in ancestors(stage):
        if ancestor is stage:
            continue
        found.extend(_artifact_list(ancestor.outputs.get("artifacts")))
    found.extend(_artifact_list(stage.execution.trigger.get("artifacts")))
    return found


def bound_artifact(stage: Stage, expected_id: str) -> JsonDict | None:
    """The artifact bound to an expected-artifact id (trigger or an upstream stage)."""
    for expected in _expected_artifacts(stage):
        if expected.get("id") == expected_id:
            bound = expected.get("boundArtifact")
            if isinstance(bound, Mapping) and bound:
                return dict(bound)
            default = expected.get("defaultArtifact")
            if expected.get("useDefaultArtifact") and isinstance(default, Mapping):
                return dict(default)
    return None


def required_artifacts(stage: Stage, context: Mapping[str, Any]) -> list[JsonDict]:
    """`requiredArtifactIds` + `requiredArtifacts [{expectedArtifactId, artifact}]`, resolved."""
    found: list[JsonDict] = []
    missing: list[str] = []
    for expected_id in context.get("requiredArtifactIds") or []:
        artifact = bound_artifact(stage, str(expected_id))
        if artifact is None:
            missing.append(str(expected_id))
        else:
            found.append(artifact)
    for entry in context.get("requiredArtifacts") or []:
        if not isinstance(entry, Mapping):
            continue
        inline = entry.get("artifact")
        expected_id = entry.get("expectedArtifactId")
        if isinstance(inline, Mapping) and inline.get("type"):
            found.append(dict(inline))
        elif expected_id:
            artifact = bound_artifact(stage, str(expected_id))
            if artifact is None:
                missing.append(str(expected_id))
            else:
                found.append(artifact)
    if missing:
        raise ManifestError(
            "required artifacts are not bound in this execution: " + ", ".join(sorted(missing))
        )
    return found


def artifact_key(artifact: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(artifact.get("type") or ""),
        str(artifact.get("name") or ""),
        str(artifact.get("location") or ""),
    )


# -- binding --------------------------------------------------------------------------------------


def image_name(image: str) -> str:
    """`registry:5000/team/app:1.2@sha256:..` -> `registry:5000/team/app`."""
    without_digest = image.split("@", 1)[0]
    slash = without_digest.rfind("/")
    colon = without_digest.rfind(":")
    return without_digest[:colon] if colon > slash else without_digest


def image_tag(image: str) -> str | None:
    if "@" in image:
        return image.split("@", 1)[1]
    slash = image.rfind("/")
    colon = image.rfind(":")
    return image[colon + 1 :] if colon > slash else None


@dataclass
class Binder:
    """Replaces images and ConfigMap/Secret names; remembers what it bound."""

    artifacts: list[JsonDict]
    bound: list[JsonDict] = field(default_factory=list)

    def add(self, artifact: JsonDict) -> None:
        """Artifacts created by this deploy replace same-named ones from the request."""
        key = artifact_key(artifact)
        self.artifacts = [each for each in self.artifacts if artifact_key(each) != key]
        self.artifacts.insert(0, artifact)

    def _note(self, artifact: JsonDict) -> None:
        if artifact not in self.bound:
            self.bound.append(artifact)

    def bind(self, manifest: JsonDict) -> None:
        namespace = namespace_of(manifest)
        for spec in pod_specs(manifest):
            for key in ("containers", "initContainers"):
                for container in spec.get(key) or []:
                    if isinstance(container, dict):
                        self._bind_container(container, namespace)
            for volume in spec.get("volumes") or []:
                if not isinstance(volume, dict):
                    continue
                self._rename(volume.get("configMap"), "name", CONFIG_MAP, namespace)
                self._rename(volume.get("secret"), "secretName", SECRET, namespace)
                projected = volume.get("projected") or {}
                for source in projected.get("sources") or []:
                    if isinstance(source, dict):
                        self._rename(source.get("configMap"), "name", CONFIG_MAP, namespace)
                        self._rename(source.get("secret"), "name", SECRET, namespace)

    def _bind_container(self, container: JsonDict, namespace: str) -> None:
        image = container.get("image")
        if isinstance(image, str):
            for artifact in self.artifacts:
                if artifact.get("type") != DOCKER_IMAGE or not artifact.get("reference"):
                    continue
                name = str(artifact.get("name") or image_name(str(artifact["reference"])))
                if image == name or image_name(image) == name:
                    container["image"] = str(artifact["reference"])
                    self._note(artifact)
                    break
        for source in container.get("envFrom") or []:
            if isinstance(source, dict):
                self._rename(source.get("configMapRef"), "name", CONFIG_MAP, namespace)
                self._rename(source.get("secretRef"), "name", SECRET, namespace)
        for variable in container.get("env") or []:
            value_from = variable.get("valueFrom") if isinstance(variable, dict) else None
            if isinstance(value_from, dict):
                self._rename(value_from.get("configMapKeyRef"), "name", CONFIG_MAP, namespace)
                self._rename(value_from.get("secretKeyRef"), "name", SECRET, namespace)

    def _rename(self, holder: Any, field_name: str, kind: str, namespace: str) -> None:
        if not isinstance(holder, dict) or not isinstance(holder.get(field_name), str):
            return
        current = holder[field_name]
        for artifact in self.artifacts:
            location = str(artifact.get("location") or "")
            if (
                artifact.get("type") == kind
                and artifact.get("name") == current
                and artifact.get("reference")
                and (not location or not namespace or location == namespace)
            ):
                holder[field_name] = str(artifact["reference"])
                self._note(artifact)
                return


def unbound(required: Iterable[JsonDict], bound: Iterable[JsonDict]) -> list[JsonDict]:
    bound_keys = {artifact_key(each) for each in bound}
    return [each for each in required if artifact_key(each) not in bound_keys]


# -- artifacts read from a manifest ----------------------------------------------------------------


def manifest_artifact(manifest: JsonDict, *, account: str, version: int | None) -> JsonDict:
    """The artifact a deployed manifest becomes (`kubernetes/replicaSet`, name, version...)."""
    kind = str(manifest.get("kind") or "")
    spinnaker_kind = kind[:1].lower() + kind[1:]
    base, _ = split_version(name_of(manifest))
    version_text = f"v{version:03d}" if version is not None else ""
    reference = f"{base}-{version_text}" if version_text else name_of(manifest)
    return {
        "type": f"kubernetes/{spinnaker_kind}",
        "name": base,
        "location": namespace_of(manifest),
        "version": version_text,
        "reference": reference,
        "metadata": {"account": account},
        "customKind": False,
    }


def artifacts_in(manifest: JsonDict, *, account: str) -> list[JsonDict]:
    """Images and ConfigMap/Secret references of a live manifest (findArtifactsFromResource)."""
    namespace = namespace_of(manifest)
    found: list[JsonDict] = []

    def add(artifact: JsonDict) -> None:
        if artifact not in found:
            found.append(artifact)

    def reference(kind: str, name: Any) -> None:
        if isinstance(name, str) and name:
            base, _ = split_version(name)
            add(
                {
                    "type": kind,
                    "name": base,
                    "reference": name,
                    "location": namespace,
                    "metadata": {"account": account},
                }
            )

    for spec in pod_specs(manifest):
        for key in ("initContainers", "containers"):
            for container in spec.get(key) or []:
                image = container.get("image") if isinstance(container, dict) else None
                if isinstance(image, str) and image:
                    add(
                        {
                            "type": DOCKER_IMAGE,
                            "name": image_name(image),
                            "reference": image,
                            "version": image_tag(image),
                        }
                    )
                for source in (container or {}).get("envFrom") or []:
                    reference(CONFIG_MAP, (source.get("configMapRef") or {}).get("name"))
                    reference(SECRET, (source.get("secretRef") or {}).get("name"))
                for variable in (container or {}).get("env") or []:
                    value_from = variable.get("valueFrom") or {}
                    reference(CONFIG_MAP, (value_from.get("configMapKeyRef") or {}).get("name"))
                    reference(SECRET, (value_from.get("secretKeyRef") or {}).get("name"))
        for volume in spec.get("volumes") or []:
            reference(CONFIG_MAP, (volume.get("configMap") or {}).get("name"))
            reference(SECRET, (volume.get("secret") or {}).get("secretName"))
    return found


_ARTIFACT_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def bind_produced(context: Mapping[str, Any], produced: list[JsonDict]) -> list[JsonDict]:
    """A stage's `expectedArtifacts` matched against what it produced (regex fields, like Orca)."""
    resolved: list[JsonDict] = []
    for expected in context.get("expectedArtifacts") or []:
        if not isinstance(expected, Mapping):
            continue
        match = expected.get("matchArtifact") or {}
        for artifact in produced:
            if _matches(match, artifact):
                resolved.append({**dict(expected), "boundArtifact": artifact})
                break
        else:
            default = expected.get("defaultArtifact")
            if expected.get("useDefaultArtifact") and isinstance(default, Mapping):
                resolved.append({**dict(expected), "boundArtifact": dict(default)})
    return resolved


def _matches(match: Mapping[str, Any], artifact: Mapping[str, Any]) -> bool:
    for key in ("type", "name", "version", "location", "reference"):
        wanted = match.get(key)
        if wanted in (None, ""):
            continue
        value = str(artifact.get(key) or "")
        try:
            if re.fullmatch(str(wanted), value) is None:
                return False
        except re.error:
            if str(wanted) != value:
                return False
    return True
