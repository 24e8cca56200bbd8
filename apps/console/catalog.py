"""The stage/trigger/notification catalogue as the editor's scripts load it (built once)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from apps.executions.registry import is_runnable_stage_type
from apps.pipelines.templates import TEMPLATES
from engine.catalog import CATALOG


@lru_cache(maxsize=1)
def catalog_json() -> tuple[str, str]:
    """The catalogue JSON and a short version hash for cache-busting URLs."""
    data: dict[str, Any] = CATALOG.to_json()
    for stage_type in data["stageTypes"]:
        stage_type["runnable"] = is_runnable_stage_type(stage_type["type"])
    data["templates"] = sorted(TEMPLATES)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()[:12]


def stage_labels() -> dict[str, dict[str, str]]:
    """Bilingual labels of every stage type, for run lists and graphs rendered on the server."""
    return {each.type: each.label.to_json() for each in CATALOG.stage_types()}
