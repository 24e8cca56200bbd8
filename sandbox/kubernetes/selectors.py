"""Label selectors (equality and set-based, string and structured forms) and field selectors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sandbox.kubernetes.errors import ApiError

Matcher = Callable[[Mapping[str, str]], bool]

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_REQ_RE = re.compile(
    rf"^\s*(?:(?P<not>!)\s*(?P<nkey>{_KEY})"
    rf"|(?P<key>{_KEY})\s*(?:(?P<op>==|=|!=|>|<)\s*(?P<value>[-A-Za-z0-9_.]*)"
    rf"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*$"
)


def _split_requirements(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def parse_label_selector(text: str | None) -> Matcher:
    """Compile `app=x,tier in (a,b),!legacy` into a predicate over a label map."""
    if not text or not text.strip():
        return lambda _labels: True
    checks: list[Matcher] = []
    for raw in _split_requirements(text):
        match = _REQ_RE.match(raw)
        if match is None:
            raise ApiError(400, f"unable to parse requirement: {raw.strip()!r}")
        checks.append(_requirement(match))
    return lambda labels: all(check(labels) for check in checks)


def _requirement(match: re.Match[str]) -> Matcher:
    if match.group("not"):
        key = match.group("nkey")
        return lambda labels: key not in labels
    key = match.group("key")
    op = match.group("op")
    setop = match.group("setop")
    if op in ("=", "=="):
        value = match.group("value")
        return lambda labels: labels.get(key) == value
    if op == "!=":
        value = match.group("value")
        return lambda labels: labels.get(key) != value
    if op in (">", "<"):
        try:
            bound = int(match.group("value"))
        except ValueError as exc:
            raise ApiError(400, f"invalid number in requirement for {key}") from exc
        greater = op == ">"

        def compare(labels: Mapping[str, str]) -> bool:
            try:
                number = int(labels[key])
            except (KeyError, ValueError):
                return False
            return number > bound if greater else number < bound

        return compare
    if setop:
        values = {v.strip() for v in match.group("values").split(",") if v.strip()}
        if setop == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    return lambda labels: key in labels


def label_selector_matcher(selector: Mapping[str, Any] | None) -> Matcher:
    """Predicate for a structured `LabelSelector`; an empty selector matches everything."""
    if not selector:
        return lambda _labels: True
    checks: list[Matcher] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        checks.append(lambda labels, k=key, v=value: labels.get(k) == v)
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = set(expr.get("values") or [])
        if op == "In":
            checks.append(lambda labels, k=key, vs=values: labels.get(k) in vs)
        elif op == "NotIn":
            checks.append(lambda labels, k=key, vs=values: labels.get(k) not in vs)
        elif op == "Exists":
            checks.append(lambda labels, k=key: k in labels)
        elif op == "DoesNotExist":
            checks.append(lambda labels, k=key: k not in labels)
    return lambda labels: all(check(labels) for check in checks)


def selector_to_string(selector: Mapping[str, Any] | None) -> str:
    """The string form kubectl and controllers put in `?labelSelector=`."""
    if not selector:
        return ""
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = ",".join(sorted(expr.get("values") or []))
        if op == "In":
            parts.append(f"{key} in ({values})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def _field_value(obj: Mapping[str, Any], path: str) -> str:
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return ""
        current = current.get(part)
    if current is None:
        return ""
    if isinstance(current, bool):
        return "true" if current else "false"
    return str(current)


def parse_field_selector(text: str | None) -> Callable[[Mapping[str, Any]], bool]:
    """Compile `metadata.name=x,status.phase!=Running` (any dotted path of the object)."""
    if not text or not text.strip():
        return lambda _obj: True
    checks: list[Callable[[Mapping[str, Any]], bool]] = []
    for raw in text.split(","):
        if not raw.strip():
            continue
        match = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$", raw)
        if match is None:
            raise ApiError(400, f"invalid selector: {raw!r}; can't understand {raw!r}")
        path, op, value = match.groups()
        value = value.replace("\\,", ",").replace("\\=", "=").replace("\\\\", "\\")
        if op == "!=":
            checks.append(lambda obj, p=path, v=value: _field_value(obj, p) != v)
        else:
            checks.append(lambda obj, p=path, v=value: _field_value(obj, p) == v)
    return lambda obj: all(check(obj) for check in checks)
