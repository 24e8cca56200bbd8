"""Runs of pipelines (one row per execution and per stage, as Orca's SQL layout), the engine's
durable message queue, the concurrency queue, and release orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.applications.models import Application
from apps.teams.models import Project, Team


class ExecutionStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", _("not started")
    RUNNING = "RUNNING", _("running")
    PAUSED = "PAUSED", _("paused")
    SUSPENDED = "SUSPENDED", _("suspended")
    SUCCEEDED = "SUCCEEDED", _("succeeded")
    FAILED_CONTINUE = "FAILED_CONTINUE", _("failed, continued")
    TERMINAL = "TERMINAL", _("failed")
    CANCELED = "CANCELED", _("canceled")
    REDIRECT = "REDIRECT", _("redirect")
    STOPPED = "STOPPED", _("stopped")
    SKIPPED = "SKIPPED", _("skipped")
    BUFFERED = "BUFFERED", _("buffered")


class Execution(models.Model):
    """The execution's own fields; its stages are StageExecution rows.

    Columns are what lists filter and sort on; `header` is the rest of the engine's
    execution header, as the engine wrote it. `version` increases with every committed write,
    so a worker can tell whether its cached copy is current.
    """

    id = models.CharField(primary_key=True, max_length=26)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="executions")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="executions"
    )
    pipeline_config_id = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20, choices=ExecutionStatus.choices, default=ExecutionStatus.NOT_STARTED
    )
    trigger_type = models.CharField(max_length=40, blank=True)
    build_time = models.BigIntegerField()
    start_time = models.BigIntegerField(null=True, blank=True)
    end_time = models.BigIntegerField(null=True, blank=True)
    canceled = models.BooleanField(default=False)
    parent_execution_id = models.CharField(max_length=26, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    header = models.JSONField(default=dict)
    version = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-build_time", "-id"]
        indexes = [
            models.Index(fields=["pipeline_config_id", "-build_time"], name="exec_pipeline_recent"),
            models.Index(fields=["application", "-build_time"], name="exec_application_recent"),
            # A pipeline's runs inside its application (the run list), and the trigger types
            # run lists offer as filters, read from the index alone.
            models.Index(
                fields=["application", "pipeline_config_id", "-build_time", "-id", "trigger_type"],
                name="exec_app_pipeline_recent",
            ),
            models.Index(fields=["pipeline_config_id", "status"], name="exec_pipeline_status"),
            models.Index(fields=["team", "status"], name="exec_team_status"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.status}"


class StageExecution(models.Model):
    """One stage; `data` is the engine's stage document (context, outputs, tasks)."""

    id = models.CharField(primary_key=True, max_length=26)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="stages")
    position = models.IntegerField(default=0)
    ref_id = models.CharField(max_length=128)
    type = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=ExecutionStatus.choices)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["execution_id", "position"]
        indexes = [models.Index(fields=["execution", "position"], name="stage_by_execution")]

    def __str__(self) -> str:
        return f"{self.execution_id}/{self.ref_id} {self.status}"


class EngineMessage(models.Model):
    """The engine's durable queue: a row per pending message, deleted in the same
    transaction as the handler that consumed it (so a crash redelivers, never loses it).

    `key` is the unit of work: an execution id, or `pipeline:<config id>` for messages that
    concern a pipeline's waiting runs.
    """

    key = models.CharField(max_length=80)
    due_at = models.BigIntegerField()
    payload = models.JSONField()
    attempts = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["due_at", "id"], name="message_due"),
            models.Index(fields=["key", "due_at"], name="message_key_due"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.payload.get('type')} @{self.due_at}"


class ConcurrencySlot(models.Model):
    """One row per pipeline config that limits concurrency: the row lock serialises starts."""

    pipeline_config_id = models.CharField(primary_key=True, max_length=64)

    def __str__(self) -> str:
        return self.pipeline_config_id


class PendingExecution(models.Model):
    """A parked StartExecution/RestartStage waiting for a concurrency slot."""

    pipeline_config_id = models.CharField(max_length=64)
    execution_id = models.CharField(max_length=26)
    build_time = models.BigIntegerField()
    payload = models.JSONField()

    class Meta:
        ordering = ["pipeline_config_id", "build_time", "id"]
        indexes = [
            models.Index(fields=["pipeline_config_id", "build_time"], name="pending_by_pipeline")
        ]

    def __str__(self) -> str:
        return f"{self.pipeline_config_id}: {self.execution_id}"


class ReleaseOrder(models.Model):
    """A project member's request to run a pipeline with given parameters and artifacts."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="release_orders")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="release_orders")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="release_orders"
    )
    pipeline_config_id = models.CharField(max_length=64)
    pipeline_name = models.CharField(max_length=255)
    execution = models.OneToOneField(
        Execution, null=True, blank=True, on_delete=models.SET_NULL, related_name="release_order"
    )
    parameters = models.JSONField(default=dict)
    artifacts = models.JSONField(default=list)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="release_orders"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "-id"], name="release_order_recent")]

    def __str__(self) -> str:
        return f"release order {self.pk} ({self.pipeline_name})"


class ExecutionAction(models.TextChoices):
    START = "start", _("started")
    CANCEL = "cancel", _("canceled")
    PAUSE = "pause", _("paused")
    RESUME = "resume", _("resumed")
    RESTART_STAGE = "restart_stage", _("restarted a stage")
    SKIP_STAGE = "skip_stage", _("skipped a stage")
    SKIP_WAIT = "skip_wait", _("skipped a wait")
    SKIP_WINDOW = "skip_window", _("skipped an execution window")
    JUDGMENT = "judgment", _("judged")
    CANARY = "canary", _("acted on a canary")


class ExecutionAudit(models.Model):
    """Who did what to a run, and when (executions themselves are the record of what ran)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=20, choices=ExecutionAction.choices)
    stage_id = models.CharField(max_length=26, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["execution_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.execution_id}"
