"""The manual start form built from a pipeline's parameterConfig and expectedArtifacts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def parameter_fields(
    config: Mapping[str, Any],
    posted: QueryDict | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One entry per parameter, pinned ones first (then in configured order)."""
    fields = []
    for position, parameter in enumerate(config.get("parameterConfig") or []):
        if not isinstance(parameter, Mapping) or not parameter.get("name"):
            continue
        name = str(parameter["name"])
        options = [
            _text(option.get("value"))
            for option in parameter.get("options") or []
            if isinstance(option, Mapping) and option.get("value") is not None
        ]
        value = (
            posted.get(f"param:{name}", "")
            if posted is not None
            else _text(parameter.get("default"))
        )
        fields.append(
            {
                "name": name,
                "label": _text(parameter.get("label")) or name,
                "description": _text(parameter.get("description")),
                "default": _text(parameter.get("default")),
                "required": bool(parameter.get("required")),
                "pinned": bool(parameter.get("pinned")),
                "options": options if parameter.get("hasOptions") and options else [],
                "value": value,
                "error": (errors or {}).get(name, ""),
                "position": position,
            }
        )
    fields.sort(key=lambda field: (not field["pinned"], field["position"]))
    return fields


def _posted_or(
    posted: QueryDict | None,
    name: str,
    default: Mapping[str, Any],
    match: Mapping[str, Any],
    key: str,
) -> str:
    if posted is not None:
        return posted.get(name, "")
    return _text(default.get(key) or (match.get(key) if key == "type" else ""))


def artifact_fields(
    config: Mapping[str, Any], posted: QueryDict | None = None
) -> list[dict[str, Any]]:
    """One entry per expected artifact, prefilled from its default or its match rule."""
    fields = []
    for index, expected in enumerate(config.get("expectedArtifacts") or []):
        if not isinstance(expected, Mapping):
            continue
        match = expected.get("matchArtifact")
        match = match if isinstance(match, Mapping) else {}
        default = expected.get("defaultArtifact")
        default = default if isinstance(default, Mapping) else {}
        has_default = bool(expected.get("useDefaultArtifact")) and bool(default)
        values = {
            key: _posted_or(posted, f"artifact:{index}:{key}", default, match, key)
            for key in ("type", "name", "version", "reference")
        }
        fields.append(
            {
                "index": index,
                "id": _text(expected.get("id")),
                "label": _text(expected.get("displayName") or expected.get("id")),
                "match": {key: _text(match.get(key)) for key in ("type", "name", "version")},
                "has_default": has_default,
                "use": (posted.get(f"artifact:{index}:use") == "on")
                if posted is not None
                else not has_default,
                **values,
            }
        )
    return fields


def parse_start(
    posted: QueryDict, config: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The parameters and artifacts a submitted start form asks for."""
    parameters = {
        key.removeprefix("param:"): value
        for key, value in posted.items()
        if key.startswith("param:")
    }
    artifacts = []
    for field in artifact_fields(config, posted):
        if not field["use"]:
            continue
        artifact = {
            key: field[key] for key in ("type", "name", "version", "reference") if field[key]
        }
        if artifact:
            artifacts.append(artifact)
    return parameters, artifacts


def parameter_errors(details: Any) -> dict[str, str]:
    """Errors of a refused start by parameter name (pointers /parameters/<name>)."""
    errors = {}
    for each in (details or {}).get("errors") or []:
        pointer = str(each.get("pointer") or "")
        if pointer.startswith("/parameters/"):
            name = pointer.removeprefix("/parameters/").replace("~1", "/").replace("~0", "~")
            errors[name] = str(each.get("message") or "")
    return errors
