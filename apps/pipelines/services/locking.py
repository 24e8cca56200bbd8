"""Locks enforced on the server: console edits refused, API edits only if the lock allows them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.core.errors import Locked
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.saving import locked_row, save_revision, state_of

CONSOLE = "console"


def lock_details(pipeline: Pipeline) -> dict[str, Any]:
    lock = pipeline.lock or {}
    return {
        "description": lock.get("description") or "",
        "allowUnlockUi": bool(lock.get("allowUnlockUi")),
        "allowApiUpdates": pipeline.lock_allows_api_updates,
    }


def _described(pipeline: Pipeline) -> str:
    description = (pipeline.lock or {}).get("description") or ""
    return f" ({description})" if description else ""


def ensure_editable(pipeline: Pipeline, *, source: str) -> None:
    """Raises Locked (423) when `source` may not change this pipeline while it is locked."""
    if not pipeline.is_locked:
        return
    if source == CONSOLE:
        raise Locked(
            f"Pipeline {pipeline.name!r} is locked{_described(pipeline)}: it cannot be changed "
            "from the console.",
            details={"lock": lock_details(pipeline)},
        )
    if not pipeline.lock_allows_api_updates:
        raise Locked(
            f"Pipeline {pipeline.name!r} is locked{_described(pipeline)} and its lock does not "
            "allow updates through the API; unlock it first.",
            details={"lock": lock_details(pipeline)},
        )


def _ensure_unlockable(pipeline: Pipeline, *, source: str) -> None:
    if source == CONSOLE and pipeline.is_locked and not (pipeline.lock or {}).get("allowUnlockUi"):
        raise Locked(
            f"Pipeline {pipeline.name!r} is locked{_described(pipeline)} and can only be "
            "unlocked through the API.",
            details={"lock": lock_details(pipeline)},
        )


@transaction.atomic
def pipeline_lock(
    *,
    pipeline: Pipeline,
    actor: Any,
    source: str,
    description: str = "",
    allow_unlock_ui: bool = True,
    allow_api_updates: bool = False,
    note: str = "",
) -> Pipeline:
    """Locks the pipeline (Spinnaker's `locked` object) or changes the settings of its lock."""
    current = locked_row(pipeline)
    _ensure_unlockable(current, source=source)
    before = state_of(current)
    current.lock = {
        "ui": True,
        "allowUnlockUi": allow_unlock_ui,
        "description": description,
    }
    current.lock_allows_api_updates = allow_api_updates
    if state_of(current) == before:
        return current
    return save_revision(current, actor=actor, kind=ChangeSource.LOCK, note=note)


@transaction.atomic
def pipeline_unlock(*, pipeline: Pipeline, actor: Any, source: str, note: str = "") -> Pipeline:
    """Removes the lock; from the console only when the lock allows it (`allowUnlockUi`)."""
    current = locked_row(pipeline)
    if not current.is_locked:
        return current
    _ensure_unlockable(current, source=source)
    current.lock = None
    current.lock_allows_api_updates = False
    return save_revision(current, actor=actor, kind=ChangeSource.UNLOCK, note=note)
