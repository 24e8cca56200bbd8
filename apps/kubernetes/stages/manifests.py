"""Manifest documents: parsing, `"kind name"` coordinates, monikers and Spinnaker's annotations."""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from apps.kubernetes.stages.kinds import Kind, kind_named, kind_of

JsonDict = dict[str, Any]

APP_NAME = "app.kubernetes.io/name"
MANAGED_BY = "app.kubernetes.io/managed-by"
MONIKER_APPLICATION = "moniker.spinnaker.io/application"
MONIKER_CLUSTER = "moniker.spinnaker.io/cluster"
MONIKER_STACK = "moniker.spinnaker.io/stack"
MONIKER_DETAIL = "moniker.spinnaker.io/detail"
MONIKER_SEQUENCE = "moniker.spinnaker.io/sequence"
ARTIFACT_TYPE = "artifact.spinnaker.io/type"
ARTIFACT_NAME = "artifact.spinnaker.io/name"
ARTIFACT_LOCATION = "artifact.spinnaker.io/location"
ARTIFACT_VERSION = "artifact.spinnaker.io/version"
LOAD_BALANCERS = "traffic.spinnaker.io/load-balancers"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DEPLOYMENT_REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"

STRATEGY_VERSIONED = "strategy.spinnaker.io/versioned"
STRATEGY_MAX_VERSION_HISTORY = "strategy.spinnaker.io/max-version-history"
STRATEGY_USE_SOURCE_CAPACITY = "strategy.spinnaker.io/use-source-capacity"
STRATEGY_RECREATE = "strategy.spinnaker.io/recreate"
STRATEGY_REPLACE = "strategy.spinnaker.io/replace"
STRATEGY_SERVER_SIDE_APPLY = "strategy.spinnaker.io/server-side-apply"

_VERSION_SUFFIX = re.compile(r"^(?P<base>.+)-v(?P<version>\d{3,})$")


class ManifestError(ValueError):
    """A manifest that cannot be deployed as given (shown on the stage)."""


# -- parsing ------------------------------------------------------------------------------------


def parse_documents(source: Any) -> list[JsonDict]:
    """Manifests from a list of maps, one map, or (multi-document) YAML/JSON text.

    `List` kinds are flattened into their items, empty documents dropped.
    """
    if isinstance(source, str):
        try:
            loaded = [doc for doc in yaml.safe_load_all(source) if doc is not None]
        except yaml.YAMLError as error:
            raise ManifestError(f"the manifest is not valid YAML: {error}") from error
    elif isinstance(source, Mapping):
        loaded = [dict(source)]
    elif isinstance(source, list | tuple):
        loaded = []
        for item in source:
            loaded.extend(parse_documents(item) if isinstance(item, str) else [item])
    elif source is None:
        loaded = []
    else:
        raise ManifestError(f"a manifest must be a map or YAML text, not {type(source).__name__}")
    manifests: list[JsonDict] = []
    for document in loaded:
        if document is None:
            continue
        if not isinstance(document, Mapping):
            raise ManifestError("every manifest document must be a map")
        if str(document.get("kind", "")).endswith("List") and isinstance(
            document.get("items"), list
        ):
            manifests.extend(parse_documents(document["items"]))
        else:
            manifests.append(copy.deepcopy(dict(document)))
    return manifests


def decode_base64_text(reference: str) -> str:
    try:
        return base64.b64decode(reference, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ManifestError("the artifact's reference is not base64-encoded text") from error


# -- metadata helpers -----------------------------------------------------------------------------


def metadata(manifest: JsonDict) -> JsonDict:
    meta = manifest.get("metadata")
    if not isinstance(meta, dict):
        meta = manifest["metadata"] = {}
    return meta


def labels(manifest: JsonDict) -> dict[str, str]:
    meta = metadata(manifest)
    found = meta.get("labels")
    if not isinstance(found, dict):
        found = meta["labels"] = {}
    return found


def annotation_map(manifest: JsonDict) -> dict[str, str]:
    meta = metadata(manifest)
    found = meta.get("annotations")
    if not isinstance(found, dict):
        found = meta["annotations"] = {}
    return found


def name_of(manifest: Mapping[str, Any]) -> str:
    meta = manifest.get("metadata")
    return str(meta.get("name") or "") if isinstance(meta, Mapping) else ""


def namespace_of(manifest: Mapping[str, Any]) -> str:
    meta = manifest.get("metadata")
    return str(meta.get("namespace") or "") if isinstance(meta, Mapping) else ""


def pod_template(manifest: JsonDict) -> JsonDict | None:
    """`spec.template` of workloads (and Jobs), `None` for kinds without one."""
    spec = manifest.get("spec")
    if isinstance(spec, dict):
        if isinstance(spec.get("template"), dict):
            template: JsonDict = spec["template"]
            return template
        job = spec.get("jobTemplate")
        if isinstance(job, dict) and isinstance(job.get("spec"), dict):
            template = job["spec"].get("template")
            return template if isinstance(template, dict) else None
    return None


def template_labels(manifest: JsonDict) -> dict[str, str] | None:
    template = pod_template(manifest)
    if template is None:
        return None
    meta = template.setdefault("metadata", {})
    found = meta.get("labels")
    if not isinstance(found, dict):
        found = meta["labels"] = {}
    return found


def pod_specs(manifest: JsonDict) -> list[JsonDict]:
    """Every pod spec inside a manifest (a Pod's own, or its template's)."""
    if manifest.get("kind") == "Pod":
        spec = manifest.get("spec")
        return [spec] if isinstance(spec, dict) else []
    template = pod_template(manifest)
    if template and isinstance(template.get("spec"), dict):
        return [template["spec"]]
    return []


def replicas_of(manifest: Mapping[str, Any]) -> int | None:
    spec = manifest.get("spec")
    value = spec.get("replicas") if isinstance(spec, Mapping) else None
    return int(value) if isinstance(value, int | float) else None


# -- coordinates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coordinates:
    """Where an object is: kind, namespace, name (Spinnaker writes `"replicaSet web-v001"`)."""

    kind: Kind
    namespace: str
    name: str

    @property
    def full_name(self) -> str:
        return f"{self.kind.spinnaker} {self.name}"

    def __str__(self) -> str:
        return f"{self.full_name} in {self.namespace}"


def parse_full_name(text: str) -> tuple[Kind, str]:
    """`"deployment web"` (or `"Deployment/web"`) -> (Kind, name)."""
    parts = re.split(r"[\s/]+", str(text).strip(), maxsplit=1)
    if len(parts) != 2 or not parts[1]:
        raise ManifestError(
            f"{text!r} is not a manifest name: write it as '<kind> <name>', e.g. 'deployment web'"
        )
    return kind_named(parts[0]), parts[1].strip()


def full_name(manifest: Mapping[str, Any]) -> str:
    return f"{kind_of(dict(manifest)).spinnaker} {name_of(manifest)}"


def coordinates_of(manifest: Mapping[str, Any], default_namespace: str) -> Coordinates:
    kind = kind_of(dict(manifest))
    namespace = namespace_of(manifest) if kind.namespaced else ""
    return Coordinates(
        kind, namespace or (default_namespace if kind.namespaced else ""), name_of(manifest)
    )


def split_version(name: str) -> tuple[str, int | None]:
    """`web-v003` -> (`web`, 3); unversioned names come back with None."""
    match = _VERSION_SUFFIX.match(name)
    if match is None:
        return name, None
    return match.group("base"), int(match.group("version"))


def versioned_name(base: str, version: int) -> str:
    return f"{base}-v{version:03d}"


# -- monikers and annotations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Moniker:
    app: str
    cluster: str | None = None
    stack: str | None = None
    detail: str | None = None
    sequence: int | None = None


def moniker_from_context(context: Mapping[str, Any], application: str) -> Moniker:
    raw = context.get("moniker")
    raw = raw if isinstance(raw, Mapping) else {}
    return Moniker(
        app=str(raw.get("app") or context.get("app") or application),
        cluster=str(raw["cluster"]) if raw.get("cluster") else None,
        stack=str(raw["stack"]) if raw.get("stack") else None,
        detail=str(raw["detail"]) if raw.get("detail") else None,
    )


def _store(target: dict[str, str], key: str, value: object, *, overwrite: bool = False) -> None:
    if value is None or (key in target and not overwrite):
        return
    target[key] = value if isinstance(value, str) else json.dumps(value)


def label_manifest(manifest: JsonDict, moniker: Moniker) -> None:
    """Spinnaker's labels on the object and its pod template (user values for the name win)."""
    targets = [labels(manifest)]
    template = template_labels(manifest)
    if template is not None:
        targets.append(template)
    for target in targets:
        _store(target, APP_NAME, moniker.app)
        _store(target, MANAGED_BY, "spinnaker", overwrite=True)
        if moniker.sequence is not None:
            _store(target, MONIKER_SEQUENCE, str(moniker.sequence), overwrite=True)


def annotate_manifest(manifest: JsonDict, moniker: Moniker, artifact: Mapping[str, Any]) -> None:
    """Moniker and artifact annotations on the object and its pod template."""
    targets = [annotation_map(manifest)]
    template = pod_template(manifest)
    if template is not None:
        meta = template.setdefault("metadata", {})
        if not isinstance(meta.get("annotations"), dict):
            meta["annotations"] = {}
        targets.append(meta["annotations"])
    for target in targets:
        _store(target, MONIKER_CLUSTER, moniker.cluster)
        _store(target, MONIKER_APPLICATION, moniker.app)
        _store(target, MONIKER_STACK, moniker.stack)
        _store(target, MONIKER_DETAIL, moniker.detail)
        if moniker.sequence is not None:
            _store(target, MONIKER_SEQUENCE, str(moniker.sequence))
        _store(target, ARTIFACT_TYPE, artifact.get("type"))
        _store(target, ARTIFACT_NAME, artifact.get("name"))
        _store(target, ARTIFACT_LOCATION, artifact.get("location"))
        _store(target, ARTIFACT_VERSION, artifact.get("version"))


def cluster_of(manifest: Mapping[str, Any]) -> str:
    """The moniker cluster: the annotation, else `"<kind> <name without version>"`."""
    meta = manifest.get("metadata") or {}
    found = (meta.get("annotations") or {}).get(MONIKER_CLUSTER)
    if found:
        return str(found)
    base, _ = split_version(name_of(manifest))
    return f"{kind_of(dict(manifest)).spinnaker} {base}"


def application_of(manifest: Mapping[str, Any]) -> str | None:
    meta = manifest.get("metadata") or {}
    found = (meta.get("annotations") or {}).get(MONIKER_APPLICATION) or (
        meta.get("labels") or {}
    ).get(APP_NAME)
    return str(found) if found else None


def sequence_of(manifest: Mapping[str, Any]) -> int | None:
    meta = manifest.get("metadata") or {}
    raw = (meta.get("annotations") or {}).get(MONIKER_SEQUENCE)
    if raw is None and manifest.get("kind") == "ReplicaSet":
        raw = (meta.get("annotations") or {}).get(DEPLOYMENT_REVISION)
    try:
        return int(raw) if raw is not None else split_version(name_of(manifest))[1]
    except (TypeError, ValueError):
        return None


def load_balancers_of(manifest: Mapping[str, Any]) -> list[str]:
    meta = manifest.get("metadata") or {}
    raw = (meta.get("annotations") or {}).get(LOAD_BALANCERS)
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [str(item) for item in parsed] if isinstance(parsed, list) else []


# -- strategy annotations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Strategy:
    """What the `strategy.spinnaker.io/*` annotations of one manifest ask for."""

    versioned: bool | None = None
    max_version_history: int | None = None
    use_source_capacity: bool = False
    recreate: bool = False
    replace: bool = False
    server_side_apply: str | None = None  # None | "true" | "force-conflicts"


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    return str(value).strip().lower() == "true"


def strategy_of(manifest: Mapping[str, Any]) -> Strategy:
    meta = manifest.get("metadata") or {}
    raw = meta.get("annotations") or {}
    history = raw.get(STRATEGY_MAX_VERSION_HISTORY)
    try:
        max_history = int(history) if history not in (None, "") else None
    except (TypeError, ValueError):
        raise ManifestError(
            f"{STRATEGY_MAX_VERSION_HISTORY} must be a number, got {history!r}"
        ) from None
    ssa = raw.get(STRATEGY_SERVER_SIDE_APPLY)
    ssa_mode = str(ssa).strip().lower() if ssa not in (None, "") else None
    if ssa_mode not in (None, "true", "false", "force-conflicts"):
        raise ManifestError(f"{STRATEGY_SERVER_SIDE_APPLY} must be true, false or force-conflicts")
    return Strategy(
        versioned=_flag(raw.get(STRATEGY_VERSIONED)),
        max_version_history=max_history,
        use_source_capacity=_flag(raw.get(STRATEGY_USE_SOURCE_CAPACITY)) is True,
        recreate=_flag(raw.get(STRATEGY_RECREATE)) is True,
        replace=_flag(raw.get(STRATEGY_REPLACE)) is True,
        server_side_apply=None if ssa_mode in (None, "false") else ssa_mode,
    )


# -- comparison -----------------------------------------------------------------------------------

_SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "ownerReferences",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "finalizers",
)


def clean_for_output(manifest: Mapping[str, Any]) -> JsonDict:
    """A live object without the bulky server bookkeeping (managedFields, last-applied)."""
    cleaned = copy.deepcopy(dict(manifest))
    meta = cleaned.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
        notes = meta.get("annotations")
        if isinstance(notes, dict):
            notes.pop(LAST_APPLIED, None)
    return cleaned


def strip_server_fields(manifest: Mapping[str, Any]) -> JsonDict:
    """A live object as a user would write it: no status, no server-set metadata."""
    cleaned = clean_for_output(manifest)
    cleaned.pop("status", None)
    meta = cleaned.get("metadata")
    if isinstance(meta, dict):
        for key in _SERVER_METADATA:
            meta.pop(key, None)
    return cleaned


def non_metadata_equal(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """Spinnaker's reuse test for versions: equal apart from metadata (and status)."""
    skip = {"metadata", "status"}
    return {k: v for k, v in left.items() if k not in skip} == {
        k: v for k, v in right.items() if k not in skip
    }


def last_applied(manifest: Mapping[str, Any]) -> JsonDict | None:
    meta = manifest.get("metadata") or {}
    raw = (meta.get("annotations") or {}).get(LAST_APPLIED)
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


def names_by_namespace(coordinates: Iterable[Coordinates]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for each in coordinates:
        bucket = grouped.setdefault(each.namespace, [])
        if each.full_name not in bucket:
            bucket.append(each.full_name)
    return grouped
