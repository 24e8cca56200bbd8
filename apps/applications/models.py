"""An application of a team (name unique in the team), bound to any number of projects."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.teams.models import Project, Team

# Application names end up in resource names (Kubernetes labels, AS group names), so they
# follow DNS-label rules.
application_name_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _("Use 1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit."),
)


class Application(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(_("name"), max_length=63, validators=[application_name_validator])
    description = models.TextField(_("description"), blank=True)
    projects = models.ManyToManyField(Project, related_name="applications", blank=True)
    enable_restart_running_executions = models.BooleanField(
        _("allow restarting stages of running executions"), default=False
    )
    enable_rerun_active_executions = models.BooleanField(
        _("allow re-running executions that are still active"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[projects])

    class Meta:
        ordering = ["team_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="unique_application_in_team")
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.name}"
