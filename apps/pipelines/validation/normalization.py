"""Legacy normalisation of pipeline JSON the way Spinnaker reads it, with a note per change."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from engine.catalog import Problem, Severity
from engine.expressions.template import unwrap_delimiters

NOTE = "normalized"


def _note(pointer: str, message: str) -> Problem:
    return Problem(pointer, message, Severity.WARNING, NOTE)


def normalize(
    config: dict[str, Any], *, new_id: Callable[[], str] = lambda: str(uuid.uuid4())
) -> tuple[dict[str, Any], list[Problem]]:
    """A normalised copy of `config` and what was changed (idempotent: a second pass is a no-op).

    - `name` is trimmed (Front50 does);
    - stage `refId`s: numbers become strings; legacy pipelines without any refIds get "1".."n"
      chained in list order (their implied serial order); a few missing ones get fresh ids;
    - `requisiteStageRefIds` entries that are numbers become strings;
    - `stageEnabled` written as a string, a boolean, without `type` or wrapped in `${}` becomes
      `{type: expression, expression: <bare expression>}`;
    - triggers without an `id` (or with a duplicate one) get a fresh id, as Front50 does for
      cron triggers, so each trigger can be addressed.
    """
    result = copy.deepcopy(config)
    notes: list[Problem] = []
    name = result.get("name")
    if isinstance(name, str) and name != name.strip():
        result["name"] = name.strip()
        notes.append(_note("/name", "Leading and trailing spaces were removed from the name."))
    stages = result.get("stages")
    if isinstance(stages, list):
        notes.extend(_normalize_ref_ids(stages))
        for index, stage in enumerate(stages):
            if isinstance(stage, dict):
                notes.extend(_normalize_stage_enabled(stage, f"/stages/{index}"))
    triggers = result.get("triggers")
    if isinstance(triggers, list):
        notes.extend(_normalize_trigger_ids(triggers, new_id))
    return result, notes


def _ref_text(value: Any) -> str | None:
    """A refId as Orca reads it (`(String) refId`): numbers become their text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def _missing_ref(stage: dict[str, Any]) -> bool:
    value = stage.get("refId")
    return value is None or (isinstance(value, str) and not value.strip())


def _normalize_ref_ids(stages: list[Any]) -> list[Problem]:
    notes: list[Problem] = []
    objects = [(index, stage) for index, stage in enumerate(stages) if isinstance(stage, dict)]
    for index, stage in objects:
        converted = _ref_text(stage.get("refId"))
        if converted is not None:
            stage["refId"] = converted
            notes.append(_note(f"/stages/{index}/refId", f"refId {converted} is now a string."))
        requisites = stage.get("requisiteStageRefIds")
        if isinstance(requisites, list):
            for position, ref in enumerate(requisites):
                converted = _ref_text(ref)
                if converted is not None:
                    requisites[position] = converted
                    notes.append(
                        _note(
                            f"/stages/{index}/requisiteStageRefIds/{position}",
                            f"Dependency {converted} is now a string.",
                        )
                    )
    missing = [(index, stage) for index, stage in objects if _missing_ref(stage)]
    if not missing:
        return notes
    legacy = len(missing) == len(objects) and not any(
        stage.get("requisiteStageRefIds") for _, stage in objects
    )
    if legacy:
        # Before parallel stages, list order was execution order: keep that meaning.
        previous: str | None = None
        for number, (_, stage) in enumerate(objects, 1):
            stage["refId"] = str(number)
            stage["requisiteStageRefIds"] = [previous] if previous else []
            previous = stage["refId"]
        notes.append(
            _note(
                "/stages",
                "The stages had no refIds (a legacy pipeline): they were numbered 1.."
                f"{len(objects)} and chained in list order.",
            )
        )
        return notes
    taken = {stage.get("refId") for _, stage in objects}
    counter = max((int(ref) for ref in taken if isinstance(ref, str) and ref.isdigit()), default=0)
    for index, stage in missing:
        counter += 1
        while str(counter) in taken:
            counter += 1
        stage["refId"] = str(counter)
        taken.add(stage["refId"])
        notes.append(
            _note(f"/stages/{index}/refId", f"The stage had no refId; it is now {counter}.")
        )
    return notes


def _normalize_stage_enabled(stage: dict[str, Any], pointer: str) -> list[Problem]:
    where = f"{pointer}/stageEnabled"
    value = stage.get("stageEnabled")
    if value is None:
        return []
    if isinstance(value, bool):
        stage["stageEnabled"] = {"type": "expression", "expression": str(value).lower()}
        return [_note(where, "stageEnabled was a boolean; it is now an expression object.")]
    if isinstance(value, str):
        if not value.strip():
            return []
        stage["stageEnabled"] = {"type": "expression", "expression": unwrap_delimiters(value)}
        return [_note(where, "stageEnabled was a string; it is now an expression object.")]
    if not isinstance(value, dict):
        return []
    notes: list[Problem] = []
    if value.get("type") is None:
        value["type"] = "expression"
        notes.append(_note(f"{where}/type", "stageEnabled had no type; it is now 'expression'."))
    expression = value.get("expression")
    if isinstance(expression, bool):
        value["expression"] = str(expression).lower()
        notes.append(_note(f"{where}/expression", "The condition is now text."))
    elif isinstance(expression, str):
        bare = unwrap_delimiters(expression)
        if bare != expression:
            value["expression"] = bare
            notes.append(
                _note(
                    f"{where}/expression",
                    "The condition was wrapped in ${ }; it is stored bare, as Spinnaker writes it.",
                )
            )
    return notes


def _normalize_trigger_ids(triggers: list[Any], new_id: Callable[[], str]) -> list[Problem]:
    notes: list[Problem] = []
    seen: set[str] = set()
    for index, trigger in enumerate(triggers):
        if not isinstance(trigger, dict):
            continue
        current = trigger.get("id")
        if isinstance(current, str) and current.strip() and current not in seen:
            seen.add(current)
            continue
        if current is not None and not isinstance(current, str):
            continue  # a wrong type is the validator's to report
        trigger["id"] = new_id()
        seen.add(trigger["id"])
        reason = "had no id" if not current else f"repeated the id {current!r}"
        notes.append(_note(f"/triggers/{index}/id", f"The trigger {reason}; it got a new one."))
    return notes
