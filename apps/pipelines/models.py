"""A pipeline: Spinnaker-compatible JSON config of an application, with its revision history."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.applications.models import Application


class ChangeSource(models.TextChoices):
    """What kind of write produced a revision."""

    API = "api", _("API")
    CONSOLE = "console", _("console")
    IMPORT = "import", _("import")
    RESTORE = "restore", _("restore")
    LOCK = "lock", _("lock")
    UNLOCK = "unlock", _("unlock")
    DISABLE = "disable", _("disable")
    ENABLE = "enable", _("enable")
    COPY = "copy", _("copy")
    DELETE = "delete", _("delete")
    UNDELETE = "undelete", _("undelete")


class PipelineHistory(HistoricalRecords):
    """History whose revisions of one pipeline are read in revision order from an index."""

    def get_meta_options(self, model: type[models.Model]) -> dict:
        options = super().get_meta_options(model)
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(fields=["id", "revision"], name="pipeline_revision_idx"),
        )
        return options


class Pipeline(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pipelines")
    name = models.CharField(_("name"), max_length=255)
    index = models.IntegerField(_("position in the application's list"), default=0)
    # Spinnaker's `disabled`: nothing starts the pipeline, in any project.
    disabled = models.BooleanField(_("disabled for the whole team"), default=False)
    # Platform extension: release orders from these projects are refused (other projects run).
    disabled_project_ids = models.JSONField(_("disabled in projects"), default=list, blank=True)
    # Spinnaker's `locked` object {ui, allowUnlockUi, description}; null when unlocked.
    lock = models.JSONField(_("lock"), null=True, blank=True)
    # Platform extension: whether API clients may still update a locked pipeline.
    lock_allows_api_updates = models.BooleanField(
        _("locked but API updates allowed"), default=False
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    change_source = models.CharField(
        _("change source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.API
    )
    last_modified_by = models.CharField(_("last modified by"), max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Front50's updateTs (epoch ms); strictly increasing per pipeline so stale saves are seen.
    update_ts = models.BigIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Derived from `config` at write time so lists compute runnability without loading it:
    # one {type, at, providers} entry per distinct stage type.
    stage_types = models.JSONField(default=list, blank=True)
    # Warnings (and normalisation notes) of the last saved config, with JSON pointers.
    warnings = models.JSONField(default=list, blank=True)
    # Every key the user sent except the server-owned ones (id, application, index, name,
    # updateTs, createTs, lastModifiedBy, disabled, locked), unknown keys included. Declared
    # last: SQLite stores columns in order, and the small ones should not sit behind it.
    config = models.JSONField(_("configuration"), default=dict)
    history = PipelineHistory(
        excluded_fields=["stage_types", "warnings"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["application_id", "index", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "name"],
                condition=Q(deleted_at__isnull=True),
                name="unique_live_pipeline_name_in_application",
            )
        ]
        indexes = [
            models.Index(
                fields=["application", "deleted_at", "index", "name"], name="pipeline_list_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.name}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_locked(self) -> bool:
        return bool(self.lock)

    @property
    def etag(self) -> str:
        return f'"{self.revision}-{self.update_ts}"'
