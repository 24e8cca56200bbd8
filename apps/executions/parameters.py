"""Run parameters checked against a pipeline's parameterConfig (required, options, defaults)."""

from __future__ import annotations

from typing import Any

from apps.core.errors import ValidationFailed, pointer


def _option_values(parameter: dict[str, Any]) -> list[str]:
    return [
        str(option.get("value"))
        for option in parameter.get("options") or []
        if isinstance(option, dict) and option.get("value") is not None
    ]


def resolve_parameters(config: dict[str, Any], supplied: dict[str, Any] | None) -> dict[str, Any]:
    """The run's parameters: supplied values over defaults; errors point at /parameters/<name>.

    Unknown parameter names are kept (Spinnaker passes them through to the trigger).
    """
    supplied = dict(supplied or {})
    errors = []
    resolved: dict[str, Any] = {}
    for parameter in config.get("parameterConfig") or []:
        if not isinstance(parameter, dict) or not parameter.get("name"):
            continue
        name = str(parameter["name"])
        value = supplied.pop(name, None)
        if value in (None, ""):
            value = parameter.get("default")
        if value in (None, "") and parameter.get("required"):
            errors.append(
                {
                    "pointer": pointer("parameters", name),
                    "message": f"Parameter {name!r} is required.",
                }
            )
            continue
        if value is not None and not isinstance(value, (str, int, float, bool)):
            errors.append(
                {
                    "pointer": pointer("parameters", name),
                    "message": f"Parameter {name!r} must be a string, number or boolean.",
                }
            )
            continue
        options = _option_values(parameter)
        if (
            parameter.get("hasOptions")
            and options
            and value not in (None, "")
            and str(value) not in options
        ):
            errors.append(
                {
                    "pointer": pointer("parameters", name),
                    "message": f"{value!r} is not an option of {name!r} ({', '.join(options)}).",
                }
            )
            continue
        resolved[name] = "" if value is None else value
    for name, value in supplied.items():
        if not isinstance(value, (str, int, float, bool)) and value is not None:
            errors.append(
                {
                    "pointer": pointer("parameters", name),
                    "message": f"Parameter {name!r} must be a string, number or boolean.",
                }
            )
        else:
            resolved[name] = value
    if errors:
        raise ValidationFailed(errors)
    return resolved
