"""The pipeline JSON document: which keys the server owns, how a stored pipeline renders."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.catalog import stage_providers

# Keys the server sets; on input they are ignored (or compared, see services.configs).
SERVER_OWNED_KEYS = (
    "id",
    "application",
    "index",
    "updateTs",
    "createTs",
    "lastModifiedBy",
    "disabled",
    "locked",
)
# Platform state shown next to the Spinnaker keys; never stored from input.
PLATFORM_KEY = "cdplatform"
NOT_STORED_KEYS = frozenset({*SERVER_OWNED_KEYS, PLATFORM_KEY, "name"})
# Spinnaker's `type` of a pipeline built from a managed pipeline template (MPT).
TEMPLATED = "templatedPipeline"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def stored_config(document: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a document that are stored as they are (everything the server does not own)."""
    return {
        key: copy.deepcopy(value) for key, value in document.items() if key not in NOT_STORED_KEYS
    }


def render(pipeline: Any, *, application_name: str) -> dict[str, Any]:
    """The Spinnaker JSON of a pipeline (or of one of its historical revisions)."""
    document: dict[str, Any] = {
        "id": str(pipeline.id),
        "name": pipeline.name,
        "application": application_name,
        "index": pipeline.index,
    }
    document.update(copy.deepcopy(pipeline.config))
    document["disabled"] = bool(pipeline.disabled)
    if pipeline.lock:
        document["locked"] = copy.deepcopy(pipeline.lock)
    document["lastModifiedBy"] = pipeline.last_modified_by
    document["updateTs"] = str(pipeline.update_ts)
    document["createTs"] = str(epoch_ms(pipeline.created_at))
    return document


def canonical(value: Any) -> str:
    """One text per JSON value regardless of key order (to spot identical saves)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_update_ts(value: Any) -> int | None:
    """`updateTs` as sent back by a client: a string or number of epoch ms; None if unusable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def stage_type_summary(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per distinct (type, cloud providers) with the index of its first stage."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    summary: list[dict[str, Any]] = []
    if config.get("type") == TEMPLATED:
        # Managed pipeline templates plan their stages at run time; this platform does not.
        summary.append({"type": TEMPLATED, "at": None, "providers": [], "pipeline": True})
    stages = config.get("stages")
    for index, stage in enumerate(stages if isinstance(stages, list) else []):
        if not isinstance(stage, Mapping) or not isinstance(stage.get("type"), str):
            continue
        providers = tuple(sorted({provider for _, provider in stage_providers(stage)}))
        key = (stage["type"], providers)
        if key in seen:
            continue
        seen.add(key)
        summary.append({"type": stage["type"], "at": index, "providers": list(providers)})
    return summary


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
