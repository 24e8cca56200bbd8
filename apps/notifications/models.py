"""Notification channels (robot URLs and secrets encrypted), per-application rules, the outbox of
engine events, the delivery log with retries, judgment reminders and the in-app inbox."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.applications.models import Application
from apps.core.crypto import EncryptedJSONField
from apps.teams.models import Team, slug_validator


class ChannelType(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu robot")
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")


# Channel types whose target is a URL (kept encrypted: the URL itself is the credential).
URL_CHANNELS = frozenset({"wecom", "dingtalk", "feishu", "webhook"})


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "简体中文"


class NotificationChannel(models.Model):
    """A team's robot, webhook or mailing list, referenced by name from notification rules.

    `credentials` holds the URL and signing secret (never returned, never logged);
    `addresses` is the recipient list of an email channel (not a secret).
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=50, validators=[slug_validator])
    type = models.CharField(_("type"), max_length=10, choices=ChannelType.choices)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    addresses = models.JSONField(default=list, blank=True)
    credentials = EncryptedJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="unique_channel_in_team")
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.name} ({self.type})"

    @property
    def url_host(self) -> str:
        """The host of the robot URL (the key in its query string stays hidden)."""
        return urlsplit(str(self.credentials.get("url") or "")).hostname or ""

    @property
    def has_secret(self) -> bool:
        return bool(self.credentials.get("secret"))


class TeamNotificationSettings(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "team notification settings"

    def __str__(self) -> str:
        return f"notification settings of {self.team_id}"


class ApplicationNotifications(models.Model):
    """CODING's application notifications: rules for every pipeline of the application.

    Each rule: {type, channel | address, when[], message{<event>: {text}}, notifyEveryMs}.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notifications of {self.application_id}"


class NotificationEvent(models.Model):
    """The outbox: an engine event that may lead to messages, written by the listener."""

    kind = models.CharField(max_length=40)
    execution_id = models.CharField(max_length=26)
    stage_id = models.CharField(max_length=26, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.execution_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class NotificationDelivery(models.Model):
    """One message to one target, sent in the background with retries and backoff."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    execution_id = models.CharField(max_length=26, blank=True)
    stage_id = models.CharField(max_length=26, blank=True)
    event = models.CharField(max_length=40)
    origin = models.CharField(max_length=20)
    channel_type = models.CharField(max_length=20)
    channel = models.ForeignKey(
        NotificationChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the log shows: a channel name, email addresses, usernames or a URL's host.
    target = models.CharField(max_length=500, blank=True)
    # A URL (and secret) written straight into pipeline JSON (Spinnaker imports).
    direct_target = EncryptedJSONField(default=dict, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    message = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=DeliveryState.choices)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["team", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.channel_type}:{self.target} ({self.state})"


class JudgmentReminder(models.Model):
    """Repeats manual-judgment messages every `every_ms` while the judgment waits."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    execution_id = models.CharField(max_length=26)
    stage_id = models.CharField(max_length=26)
    every_ms = models.PositiveBigIntegerField()
    next_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["execution_id", "stage_id"], name="unique_judgment_reminder"
            )
        ]
        indexes = [models.Index(fields=["next_at"], name="reminder_due")]

    def __str__(self) -> str:
        return f"remind {self.execution_id}/{self.stage_id} every {self.every_ms} ms"


class InboxMessage(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=1000, blank=True)
    execution_id = models.CharField(max_length=26, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="inbox_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"
