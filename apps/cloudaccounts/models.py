"""A team's connection to a Kubernetes cluster or a Tencent Cloud account."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.crypto import EncryptedJSONField
from apps.teams.models import Team, slug_validator


class Provider(models.TextChoices):
    KUBERNETES = "kubernetes", "Kubernetes"
    TENCENT = "tencent", _("Tencent Cloud")


class AccountKind(models.TextChoices):
    KUBECONFIG = "kubeconfig", "kubeconfig"
    SERVICE_ACCOUNT = "service_account", _("service account")
    KEYS = "keys", _("SecretId / SecretKey")
    SANDBOX = "sandbox", _("sandbox")


KINDS_BY_PROVIDER: dict[str, set[str]] = {
    Provider.KUBERNETES: {AccountKind.KUBECONFIG, AccountKind.SERVICE_ACCOUNT, AccountKind.SANDBOX},
    Provider.TENCENT: {AccountKind.KEYS, AccountKind.SANDBOX},
}


class AccountStatus(models.TextChoices):
    UNKNOWN = "unknown", _("not checked")
    OK = "ok", _("reachable")
    ERROR = "error", _("error")


class CloudAccount(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cloud_accounts")
    name = models.CharField(_("name"), max_length=50, validators=[slug_validator])
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    # Non-secret connection settings: context, server, regions, endpoint, namespaces.
    settings = models.JSONField(default=dict, blank=True)
    # Secrets: kubeconfig, token, CA, SecretId/SecretKey. Never returned, never logged.
    credentials = EncryptedJSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=AccountStatus.choices, default=AccountStatus.UNKNOWN
    )
    status_message = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["credentials"])

    class Meta:
        ordering = ["team_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="unique_cloud_account_in_team")
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.name}"

    @property
    def credential_fields(self) -> list[str]:
        """Names of the stored secrets (never their values)."""
        return sorted(key for key, value in self.credentials.items() if value)
