"""Pipeline-level checks: settings, parameters, triggers, notifications, artifacts, references."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.catalog import RESERVED_PARAMETER_NAMES, Catalog, Problem, Severity

LIST_KEYS = ("triggers", "parameterConfig", "notifications", "expectedArtifacts")
MAX_ITEMS = 500


def check_settings(config: Mapping[str, Any], catalog: Catalog) -> list[Problem]:
    problems = catalog.check_pipeline_settings(config)
    name = config.get("name")
    if isinstance(name, str) and len(name) > 255:
        problems.append(Problem("/name", "The name is longer than 255 characters.", code="length"))
    if isinstance(name, str) and any(ord(char) < 32 for char in name):
        problems.append(Problem("/name", "The name contains control characters.", code="invalid"))
    if config.get("type") == "templatedPipeline":
        problems.append(
            Problem(
                "/type",
                "Managed pipeline templates are not supported: the pipeline is kept but cannot "
                "run until its stages are written out.",
                Severity.WARNING,
                "unsupported_template",
            )
        )
    for key in LIST_KEYS:
        value = config.get(key)
        if isinstance(value, list) and len(value) > MAX_ITEMS:
            problems.append(
                Problem(f"/{key}", f"At most {MAX_ITEMS} entries are allowed.", code="too_many")
            )
    return problems


def _objects(config: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(pointer, item) for each object of a list; non-objects are reported by `check_lists`."""
    value = config.get(key)
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        return []
    return [
        (f"/{key}/{index}", item) for index, item in enumerate(value) if isinstance(item, Mapping)
    ]


def check_lists(config: Mapping[str, Any], catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    for key in LIST_KEYS:
        value = config.get(key)
        if isinstance(value, list):
            problems.extend(
                Problem(f"/{key}/{index}", "Each entry must be an object.", code="type")
                for index, item in enumerate(value)
                if not isinstance(item, Mapping)
            )
    for pointer, trigger in _objects(config, "triggers"):
        problems.extend(catalog.check_trigger(trigger, pointer))
        for offset, notification in enumerate(_as_list(trigger.get("notifications"))):
            if isinstance(notification, Mapping):
                problems.extend(
                    catalog.check_notification(notification, f"{pointer}/notifications/{offset}")
                )
    for pointer, notification in _objects(config, "notifications"):
        problems.extend(catalog.check_notification(notification, pointer))
    problems.extend(_check_parameters(config, catalog))
    problems.extend(_check_artifacts(config, catalog))
    return problems


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_parameters(config: Mapping[str, Any], catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for pointer, parameter in _objects(config, "parameterConfig"):
        problems.extend(catalog.check_parameter(parameter, pointer))
        name = parameter.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        if name in seen:
            problems.append(
                Problem(
                    f"{pointer}/name",
                    f"Parameter {name!r} is defined twice (also at {seen[name]}).",
                    code="duplicate",
                )
            )
        else:
            seen[name] = pointer
        if name in RESERVED_PARAMETER_NAMES:
            problems.append(
                Problem(
                    f"{pointer}/name",
                    f"{name!r} collides with a deploy-stage setting of the same name; "
                    "Spinnaker advises another name.",
                    Severity.WARNING,
                    "reserved_name",
                )
            )
        options = parameter.get("options")
        if parameter.get("hasOptions") in (True, "true") and isinstance(options, list):
            values = [option.get("value") for option in options if isinstance(option, Mapping)]
            default = parameter.get("default")
            if values and default not in (None, "") and str(default) not in map(str, values):
                problems.append(
                    Problem(
                        f"{pointer}/default",
                        f"The default {default!r} is not one of the options.",
                        Severity.WARNING,
                        "default_not_an_option",
                    )
                )
    return problems


def _check_artifacts(config: Mapping[str, Any], catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for pointer, artifact in _objects(config, "expectedArtifacts"):
        problems.extend(catalog.check_expected_artifact(artifact, pointer))
        artifact_id = artifact.get("id")
        if isinstance(artifact_id, str) and artifact_id:
            if artifact_id in ids:
                problems.append(
                    Problem(
                        f"{pointer}/id",
                        f"Artifact id {artifact_id!r} is used twice (also at {ids[artifact_id]}).",
                        code="duplicate",
                    )
                )
            ids[artifact_id] = pointer
    produced = _stage_artifact_ids(config)
    for pointer, trigger in _objects(config, "triggers"):
        for position, ref in enumerate(_as_list(trigger.get("expectedArtifactIds"))):
            if isinstance(ref, str) and ref not in ids:
                problems.append(
                    Problem(
                        f"{pointer}/expectedArtifactIds/{position}",
                        f"No expected artifact has id {ref!r}; the trigger would never fire.",
                        Severity.WARNING,
                        "missing_artifact",
                    )
                )
    stages = config.get("stages")
    for index, stage in enumerate(stages if isinstance(stages, list) else []):
        if not isinstance(stage, Mapping):
            continue
        refs = [("manifestArtifactId", stage.get("manifestArtifactId"))]
        refs += [
            (f"requiredArtifactIds/{position}", ref)
            for position, ref in enumerate(_as_list(stage.get("requiredArtifactIds")))
        ]
        for where, ref in refs:
            if isinstance(ref, str) and ref and "${" not in ref and ref not in ids | produced:
                problems.append(
                    Problem(
                        f"/stages/{index}/{where}",
                        f"No expected artifact has id {ref!r} (in the pipeline or a stage).",
                        Severity.WARNING,
                        "missing_artifact",
                    )
                )
    return problems


def _stage_artifact_ids(config: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    stages = config.get("stages")
    for stage in stages if isinstance(stages, list) else []:
        if isinstance(stage, Mapping):
            for artifact in _as_list(stage.get("expectedArtifacts")):
                if isinstance(artifact, Mapping) and isinstance(artifact.get("id"), str):
                    found[artifact["id"]] = artifact["id"]
    return found
