"""Writes of pipelines; every write records a revision (source, user, note) unless nothing changed.

`source` is the channel of the request: "api" (tokens, scripts, CI), "console" (the web
console: lock rules are stricter there) or "import" (the import command).
"""

from apps.pipelines.services.configs import (
    pipeline_copy,
    pipeline_create,
    pipeline_create_from_template,
    pipeline_delete,
    pipeline_patch,
    pipeline_purge_deleted,
    pipeline_reorder,
    pipeline_stages_copy,
    pipeline_undelete,
    pipeline_update,
)
from apps.pipelines.services.disabling import pipeline_disable, pipeline_enable
from apps.pipelines.services.imports import ImportOutcome, pipeline_import
from apps.pipelines.services.locking import ensure_editable, pipeline_lock, pipeline_unlock
from apps.pipelines.services.revisions import pipeline_restore_revision

__all__ = [
    "ImportOutcome",
    "ensure_editable",
    "pipeline_copy",
    "pipeline_create",
    "pipeline_create_from_template",
    "pipeline_delete",
    "pipeline_disable",
    "pipeline_enable",
    "pipeline_import",
    "pipeline_lock",
    "pipeline_patch",
    "pipeline_purge_deleted",
    "pipeline_reorder",
    "pipeline_restore_revision",
    "pipeline_stages_copy",
    "pipeline_undelete",
    "pipeline_unlock",
    "pipeline_update",
]
