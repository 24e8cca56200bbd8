"""Writes for applications."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from apps.applications.models import Application
from apps.core.errors import Conflict, ValidationFailed
from apps.teams.models import Project, Team

FLAG_FIELDS = ("enable_restart_running_executions", "enable_rerun_active_executions")


def _projects_by_slug(team: Team, slugs: list[str]) -> list[Project]:
    found = {p.slug: p for p in Project.objects.filter(team=team, slug__in=slugs)}
    missing = [
        {"pointer": f"/projects/{index}", "message": f"No project {slug!r} in this team."}
        for index, slug in enumerate(slugs)
        if slug not in found
    ]
    if missing:
        raise ValidationFailed(missing)
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _validate(application: Application) -> None:
    try:
        application.full_clean(exclude=["team"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [
                {"pointer": f"/{field}", "message": " ".join(messages)}
                for field, messages in exc.message_dict.items()
            ]
        ) from exc


@transaction.atomic
def application_create(
    *,
    team: Team,
    name: str,
    description: str = "",
    projects: list[str] | None = None,
    **flags: bool,
) -> Application:
    application = Application(
        team=team,
        name=name,
        description=description,
        **{k: v for k, v in flags.items() if k in FLAG_FIELDS},
    )
    _validate(application)
    bound = _projects_by_slug(team, projects or [])
    if Application.objects.filter(team=team, name=name).exists():
        raise Conflict(f"An application named {name!r} already exists in this team.")
    application.save()
    application.projects.set(bound)
    return application


@transaction.atomic
def application_update(*, application: Application, data: dict[str, Any]) -> Application:
    for field in ("description", *FLAG_FIELDS):
        if field in data:
            setattr(application, field, data[field])
    _validate(application)
    application.updated_at = timezone.now()
    application.save()
    if "projects" in data:
        application.projects.set(_projects_by_slug(application.team, data["projects"]))
    return application


@transaction.atomic
def application_delete(*, application: Application) -> None:
    application.delete()
