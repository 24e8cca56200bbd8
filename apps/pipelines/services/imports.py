"""Importing exported pipeline JSON into an application: create new ones, update existing ones."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.applications.models import Application
from apps.core.errors import ValidationFailed
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.configs import as_bool, lock_from, pipeline_create, store_document
from apps.pipelines.services.locking import ensure_editable
from apps.pipelines.services.saving import locked_row


@dataclass(frozen=True)
class ImportOutcome:
    pipeline: Pipeline
    action: str  # "created" | "updated" | "unchanged"


def _existing(application: Application, document: Mapping[str, Any]) -> Pipeline | None:
    live = Pipeline.objects.filter(application=application, deleted_at__isnull=True)
    found = None
    try:
        sent_id = uuid.UUID(str(document.get("id")))
    except ValueError:
        sent_id = None
    if sent_id is not None:
        found = live.filter(pk=sent_id).first()
    name = document.get("name")
    if found is None and isinstance(name, str):
        found = live.filter(name=name.strip()).first()
    return found


@transaction.atomic
def pipeline_import(
    *, application: Application, document: Any, actor: Any = None, note: str = ""
) -> ImportOutcome:
    """Creates the pipeline, or updates the one with the same id (or name) in `application`.

    The file's `disabled` and `locked` apply; a locked pipeline is updated only if its lock
    allows API updates.
    """
    if not isinstance(document, Mapping):
        raise ValidationFailed([{"pointer": "/", "message": "A pipeline must be a JSON object."}])
    existing = _existing(application, document)
    if existing is None:
        created = pipeline_create(
            application=application,
            document=document,
            actor=actor,
            source=ChangeSource.IMPORT,
            note=note,
            trusted=True,
        )
        return ImportOutcome(created, "created")
    current = locked_row(existing)
    ensure_editable(current, source=ChangeSource.IMPORT)
    revision = current.revision
    if "disabled" in document:
        current.disabled = bool(as_bool(document["disabled"]))
    if "locked" in document:
        current.lock = lock_from(document["locked"])
        current.lock_allows_api_updates = current.lock_allows_api_updates and bool(current.lock)
    document = {key: value for key, value in document.items() if key not in ("id", "application")}
    updated = store_document(current, document, actor=actor, kind=ChangeSource.IMPORT, note=note)
    return ImportOutcome(updated, "updated" if updated.revision != revision else "unchanged")
