"""Reads for teams, members and projects."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.teams import access
from apps.teams.models import Membership, Project, ProjectMembership, Team


def team_list(*, user: Any) -> QuerySet[Team]:
    return access.teams_for_user(user).order_by("slug")


def team_role_of(*, user: Any, team: Team) -> str | None:
    return Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()


def team_member_list(*, team: Team) -> QuerySet[Membership]:
    return Membership.objects.filter(team=team).select_related("user").order_by("user__username")


def project_list(*, user: Any, team: Team) -> QuerySet[Project]:
    return access.projects_for_user(user, team).order_by("slug")


def project_member_list(*, project: Project) -> QuerySet[ProjectMembership]:
    return (
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__username")
    )
