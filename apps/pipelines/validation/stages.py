"""Stage-list checks: refIds, dependencies, cycles, and each stage against the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.catalog import Catalog, Problem
from engine.graph import find_cycle

MAX_STAGES = 1000


def check_stages(stages: Any, catalog: Catalog) -> list[Problem]:
    if not isinstance(stages, list):
        return []  # a wrong type is reported with the pipeline's settings
    if len(stages) > MAX_STAGES:
        return [
            Problem(
                "/stages",
                f"A pipeline may have at most {MAX_STAGES} stages; this one has {len(stages)}.",
                code="too_many",
            )
        ]
    problems: list[Problem] = []
    refs: dict[str, int] = {}
    for index, stage in enumerate(stages):
        pointer = f"/stages/{index}"
        if not isinstance(stage, Mapping):
            problems.append(Problem(pointer, "A stage must be an object.", code="type"))
            continue
        problems.extend(catalog.check_stage(stage, pointer))
        ref = stage.get("refId")
        if isinstance(ref, str) and ref.strip():
            if ref in refs:
                problems.append(
                    Problem(
                        f"{pointer}/refId",
                        f"refId {ref!r} is used twice (also at /stages/{refs[ref]}).",
                        code="duplicate",
                    )
                )
            else:
                refs[ref] = index
        for offset, notification in enumerate(_list(stage.get("notifications"))):
            if isinstance(notification, Mapping):
                problems.extend(
                    catalog.check_notification(notification, f"{pointer}/notifications/{offset}")
                )
    problems.extend(_check_dependencies(stages, refs))
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_dependencies(stages: list[Any], refs: dict[str, int]) -> list[Problem]:
    problems: list[Problem] = []
    edges: dict[str, list[str]] = {}
    for index, stage in enumerate(stages):
        if not isinstance(stage, Mapping):
            continue
        ref = stage.get("refId")
        requisites = stage.get("requisiteStageRefIds")
        usable: list[str] = []
        for position, requisite in enumerate(_list(requisites)):
            where = f"/stages/{index}/requisiteStageRefIds/{position}"
            if not isinstance(requisite, str):
                if requisite is not None:
                    problems.append(
                        Problem(where, "A dependency must be a refId (text).", code="type")
                    )
                continue
            if requisite not in refs:
                problems.append(
                    Problem(where, f"No stage has refId {requisite!r}.", code="missing_stage")
                )
                continue
            usable.append(requisite)
        if isinstance(ref, str) and refs.get(ref) == index:
            edges[ref] = usable
    cycle = find_cycle(edges)
    if cycle:
        first = refs[cycle[0]]
        names = [_stage_label(stages[refs[ref]], ref) for ref in [*cycle, cycle[0]]]
        problems.append(
            Problem(
                f"/stages/{first}/requisiteStageRefIds",
                "Stages depend on each other in a cycle: " + " requires ".join(names) + ".",
                code="cycle",
            )
        )
    return problems


def _stage_label(stage: Mapping[str, Any], ref: str) -> str:
    name = stage.get("name")
    return f"{name!s} ({ref})" if isinstance(name, str) and name else ref
