"""The index of configured triggers, the team's trigger settings, and the delivery log."""

from __future__ import annotations

import uuid

import ulid
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.applications.models import Application
from apps.core.crypto import EncryptedJSONField
from apps.pipelines.models import Pipeline
from apps.teams.models import Team


def new_delivery_id() -> str:
    return str(ulid.ULID())


class TriggerIndex(models.Model):
    """One row per trigger of a pipeline's config, kept in step with every pipeline save.

    Rows of soft-deleted pipelines stay (`live` false) so an undelete keeps the webhook URL.
    `token` is the unguessable part of a webhook trigger's own URL (never the config's `id`,
    which users can type); `secret` is the trigger's signing secret, set through the API.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")
    trigger_id = models.CharField(max_length=128)
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    pipeline_disabled = models.BooleanField(default=False)
    live = models.BooleanField(default=True)
    # Webhook source or git provider, lower-cased where the sender's name is case-free.
    source = models.CharField(max_length=200, blank=True)
    # The upstream pipeline id of a pipeline trigger.
    upstream_pipeline_id = models.CharField(max_length=64, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = EncryptedJSONField(default=dict, blank=True)
    config = models.JSONField(default=dict)
    cron_next_at = models.DateTimeField(null=True, blank=True)
    cron_last_tick_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pipeline_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "trigger_id"], name="unique_trigger_index")
        ]
        indexes = [
            models.Index(fields=["team", "type", "source"], name="trigger_by_source"),
            models.Index(fields=["upstream_pipeline_id"], name="trigger_by_upstream"),
            models.Index(fields=["type", "cron_next_at"], name="trigger_cron_due"),
        ]

    def __str__(self) -> str:
        return f"{self.pipeline_id}/{self.trigger_id} ({self.type})"

    @property
    def has_secret(self) -> bool:
        return bool(self.secret.get("value"))


class TeamTriggerSettings(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    # Deliveries to git/docker/webhook-source routes for triggers without any secret.
    allow_unsigned = models.BooleanField(_("accept unsigned deliveries"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "team trigger settings"

    def __str__(self) -> str:
        return f"trigger settings of {self.team_id}"


class DeliveryKind(models.TextChoices):
    WEBHOOK = "webhook", _("webhook")
    GIT = "git", _("git")
    DOCKER = "docker", _("docker")
    PIPELINE = "pipeline", _("pipeline")
    CRON = "cron", _("cron")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSING = "processing", _("processing")
    STARTED = "started", _("started")
    NOT_STARTED = "not_started", _("not started")
    NO_MATCH = "no_match", _("no trigger matched")
    IGNORED = "ignored", _("ignored")
    REJECTED = "rejected", _("rejected")
    INVALID = "invalid", _("invalid")
    DUPLICATE = "duplicate", _("duplicate")
    MISSED = "missed", _("missed")


class TriggerDelivery(models.Model):
    """An inbound event (webhook, git, registry), a cron tick or an upstream run finishing.

    `dedupe_key` is set only on deliveries that were accepted, so a forged or mis-signed
    request never blocks the real one (and a sender's redelivery after a fixed secret runs).
    """

    id = models.CharField(primary_key=True, max_length=26, default=new_delivery_id)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    source = models.CharField(max_length=200, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    # NULL (not "") for deliveries that are not de-duplicated: the unique constraint skips them.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.ForeignKey(
        TriggerIndex, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices)
    verified = models.BooleanField(default=False)
    verification = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(null=True, blank=True)
    payload_size = models.PositiveIntegerField(default=0)
    remote_addr = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="unique_delivery_per_team",
            )
        ]
        indexes = [
            models.Index(fields=["team", "-id"], name="delivery_recent"),
            models.Index(fields=["status", "kind"], name="delivery_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.source} {self.id} {self.status}"


class OutcomeResult(models.TextChoices):
    STARTED = "started", _("started")
    NOT_MATCHED = "not_matched", _("did not match")
    UNVERIFIED = "unverified", _("not verified")
    DISABLED = "disabled", _("pipeline disabled")
    ARTIFACTS = "artifacts", _("expected artifacts did not bind")
    REFUSED = "refused", _("start refused")


class DeliveryOutcome(models.Model):
    """What one candidate trigger did with a delivery."""

    delivery = models.ForeignKey(TriggerDelivery, on_delete=models.CASCADE, related_name="outcomes")
    pipeline = models.ForeignKey(
        Pipeline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pipeline_name = models.CharField(max_length=255, blank=True)
    trigger_id = models.CharField(max_length=128, blank=True)
    trigger_type = models.CharField(max_length=40, blank=True)
    result = models.CharField(max_length=12, choices=OutcomeResult.choices)
    reason = models.TextField(blank=True)
    execution_id = models.CharField(max_length=26, blank=True)

    class Meta:
        ordering = ["delivery_id", "id"]
        indexes = [
            models.Index(fields=["pipeline", "delivery"], name="outcome_by_pipeline"),
            models.Index(fields=["application", "delivery"], name="outcome_by_application"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.pipeline_name}: {self.result}"


class RateWindow(models.Model):
    """Deliveries counted per receiving URL and minute (shared by every server process)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="unique_rate_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
