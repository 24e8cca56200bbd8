"""Reading a stage's Spinnaker-named fields: account, region(s), cluster moniker, target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.tencentcloud.stages import naming
from engine.model import Stage


class ConfigError(ValueError):
    """A stage field is missing or malformed; the message names the field."""


def account(context: Mapping[str, Any]) -> str:
    for key in ("account", "credentials", "accountName"):
        value = context.get(key)
        if isinstance(value, str) and value:
            return value
    raise ConfigError("account (or credentials) is required")


def regions(context: Mapping[str, Any]) -> list[str]:
    """`region`, else `regions`, else the keys of `availabilityZones` ({region: [zones]})."""
    region = context.get("region")
    if isinstance(region, str) and region:
        return [region]
    many = context.get("regions")
    if isinstance(many, list) and many and all(isinstance(item, str) and item for item in many):
        return list(dict.fromkeys(many))
    zones = context.get("availabilityZones")
    if isinstance(zones, Mapping) and zones:
        return [str(key) for key in zones]
    raise ConfigError("region (or regions) is required")


def region(context: Mapping[str, Any]) -> str:
    found = regions(context)
    if len(found) > 1:
        raise ConfigError(f"this step works in one region, got {', '.join(found)}")
    return found[0]


def _text(context: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = context.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def moniker(context: Mapping[str, Any], stage: Stage | None = None) -> naming.Moniker:
    """The cluster a deploy writes to: `application`, `stack`, `freeFormDetails` (or `detail`)."""
    given = context.get("moniker")
    if isinstance(given, Mapping) and given.get("app"):
        app = str(given.get("app"))
        stack = str(given.get("stack") or "")
        detail = str(given.get("detail") or "")
    else:
        app = _text(context, "application") or (stage.execution.application if stage else "")
        stack = _text(context, "stack")
        detail = _text(context, "freeFormDetails", "detail")
    problems = naming.check_parts(app, stack, detail)
    if problems:
        raise ConfigError("; ".join(problems))
    return naming.Moniker(app, stack, detail)


def cluster(context: Mapping[str, Any], stage: Stage | None = None) -> str:
    """`cluster`, else the moniker's cluster, else the cluster of `serverGroupName`."""
    named = _text(context, "cluster", "clusterName")
    if named:
        return named
    given = context.get("moniker")
    if isinstance(given, Mapping) and given.get("cluster"):
        return str(given["cluster"])
    server_group = _text(context, "serverGroupName", "asgName")
    if server_group:
        return naming.parse(server_group).cluster
    if _text(context, "application", "stack", "freeFormDetails"):
        return moniker(context, stage).cluster
    raise ConfigError("cluster (or serverGroupName) is required")


def server_group_name(context: Mapping[str, Any]) -> str:
    return _text(context, "serverGroupName", "asgName")


def target(context: Mapping[str, Any]) -> str:
    return _text(context, "target")


def number(context: Mapping[str, Any], key: str, default: float) -> float:
    value = context.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ConfigError(f"{key} must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a number, got {value!r}") from None


def integer(context: Mapping[str, Any], key: str, default: int) -> int:
    return int(number(context, key, default))


def flag(context: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = context.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def location(context: Mapping[str, Any]) -> dict[str, Any]:
    """The keys every child stage needs to find its cluster again."""
    out: dict[str, Any] = {"account": account(context)}
    for key in ("region", "cluster", "moniker", "cloudProvider"):
        if key in context:
            out[key] = context[key]
    return out
