"""Restoring an old revision: a new revision with that config, if today's validation accepts it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.core.errors import NotFound
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.configs import store_document
from apps.pipelines.services.locking import ensure_editable
from apps.pipelines.services.saving import check_fresh, locked_row


@transaction.atomic
def pipeline_restore_revision(
    *,
    pipeline: Pipeline,
    revision: int,
    actor: Any,
    source: str = ChangeSource.API,
    if_match: str | None = None,
    note: str = "",
) -> Pipeline:
    """Makes revision `revision`'s name and config current again (lock and disable stay)."""
    current = locked_row(pipeline)
    check_fresh(current, if_match=if_match)
    ensure_editable(current, source=source)
    record = Pipeline.history.filter(id=current.pk, revision=revision).first()
    if record is None:
        raise NotFound(f"Revision {revision} of this pipeline not found.")
    document = {**record.config, "name": record.name}
    return store_document(
        current,
        document,
        actor=actor,
        kind=ChangeSource.RESTORE,
        note=note or f"Restored revision {revision}.",
        message=f"Revision {revision} is not valid under today's validation; nothing was restored.",
    )
