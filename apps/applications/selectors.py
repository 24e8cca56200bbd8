"""Reads for applications."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from apps.applications import access
from apps.applications.models import Application
from apps.teams.models import Team


def application_list(*, user: Any, team: Team, search: str = "") -> QuerySet[Application]:
    applications = access.applications_for_user(user, team)
    if search:
        applications = applications.filter(
            Q(name__icontains=search) | Q(description__icontains=search)
        )
    return applications.prefetch_related("projects")
