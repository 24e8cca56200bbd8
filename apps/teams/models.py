"""Tenants: teams with role memberships, and projects inside a team with their own roles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1-50 lowercase letters, digits and dashes, starting and ending with a letter or digit."),
)


class TeamRole(models.TextChoices):
    OWNER = "owner", _("owner")
    ADMIN = "admin", _("admin")
    MEMBER = "member", _("member")


class ProjectRole(models.TextChoices):
    ADMIN = "admin", _("project admin")
    DEVELOPER = "developer", _("developer")
    VIEWER = "viewer", _("viewer")


class Team(models.Model):
    slug = models.CharField(_("slug"), max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        permissions = [
            ("manage_members", "Manage team members"),
            ("manage_projects", "Create and delete projects, see every project"),
            ("manage_applications", "Create, change and delete applications"),
            ("view_all_applications", "Read every application of the team"),
            ("manage_cloudaccounts", "Create, change, delete and check cloud accounts"),
            ("manage_pipelines", "Create, change and delete pipelines"),
            ("lock_pipelines", "Lock and unlock pipelines"),
            ("disable_pipelines", "Disable and enable pipelines for the whole team"),
            ("operate_executions", "Start, cancel, pause and restart any execution"),
            ("manage_owners", "Grant and revoke the owner role, delete the team"),
        ]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.team_id}:{self.role}"


class Project(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    slug = models.CharField(_("slug"), max_length=50, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team_id", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["team", "slug"], name="unique_project_slug_in_team")
        ]
        permissions = [
            ("manage_project_members", "Manage project members"),
            ("disable_pipelines_in_project", "Disable and enable pipelines inside this project"),
            ("submit_release_orders", "Submit release orders in this project"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.slug}"


class ProjectMembership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=ProjectRole.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_project_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.project_id}:{self.role}"
