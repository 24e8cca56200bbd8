"""The platform's user (custom from day one) and hashed API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class TokenScope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write configuration")
    EXECUTE = "execute", _("run and operate pipelines")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    # sha256 of the whole key; keys are 256 random bits, so a fast hash is enough.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_token_name_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def is_active_at(self, moment) -> bool:  # type: ignore[no-untyped-def]
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
