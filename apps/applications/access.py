"""Tenant-scoped application lookups: team managers read all, project members read bound ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.applications.models import Application
from apps.core.errors import NotFound
from apps.teams import access as team_access
from apps.teams.models import Team

# Team permissions that application operations need, by operation name.
WRITE_PERMISSIONS = {
    "change": "manage_applications",
    "delete": "manage_applications",
    "manage_pipelines": "manage_pipelines",
    "operate": "operate_executions",
}


def applications_for_user(user: Any, team: Team) -> QuerySet[Application]:
    applications = Application.objects.filter(team=team)
    project_ids = team_access.readable_project_ids(user, team)
    if project_ids is None:
        return applications
    return applications.filter(projects__id__in=project_ids).distinct()


def can_read_application(user: Any, application: Application) -> bool:
    project_ids = team_access.readable_project_ids(user, application.team)
    if project_ids is None:
        return True
    return application.projects.filter(id__in=project_ids).exists()


def access_application_by_name(user: Any, team: Team, name: str, perm: str = "view") -> Application:
    application = Application.objects.select_related("team").filter(team=team, name=name).first()
    if application is None or not can_read_application(user, application):
        raise NotFound(f"Application {name!r} not found.")
    if perm != "view":
        team_access.require_team_perm(user, team, WRITE_PERMISSIONS[perm], f"{perm} {name!r}")
    return application
