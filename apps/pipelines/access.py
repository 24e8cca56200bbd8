"""Tenant-scoped pipeline lookups and the permission checks of pipeline operations.

A pipeline is readable by whoever reads its application; missing, deleted and unreadable
pipelines look the same (NotFound).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from apps.applications import access as application_access
from apps.core.errors import NotFound, ValidationFailed
from apps.pipelines.models import Pipeline
from apps.teams import access as team_access
from apps.teams.models import Project, Team

# Team permission each pipeline operation needs ("view" needs only read access).
PERMISSIONS = {
    "view": None,
    "manage_pipelines": "manage_pipelines",
    "lock_pipelines": "lock_pipelines",
    "disable_pipelines": "disable_pipelines",
    "operate_executions": "operate_executions",
}
_ACTIONS = {
    "manage_pipelines": "change pipelines",
    "lock_pipelines": "lock or unlock pipelines",
    "disable_pipelines": "disable or enable pipelines for the whole team",
    "operate_executions": "run pipelines",
}


def _as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def access_pipeline_by_id(
    user: Any, pipeline_id: Any, perm: str = "view", *, include_deleted: bool = False
) -> Pipeline:
    """The pipeline if `user` reads its application (and holds `perm` on its team)."""
    key = _as_uuid(pipeline_id)
    pipeline = (
        Pipeline.objects.select_related("application__team").filter(pk=key).first()
        if key is not None
        else None
    )
    if (
        pipeline is None
        or (pipeline.is_deleted and not include_deleted)
        or not application_access.can_read_application(user, pipeline.application)
    ):
        raise NotFound(f"Pipeline {pipeline_id!s} not found.")
    codename = PERMISSIONS[perm]
    if codename is not None:
        team_access.require_team_perm(user, pipeline.application.team, codename, _ACTIONS[codename])
    return pipeline


def access_pipeline_in_team(user: Any, team: Team, pipeline_id: Any) -> Pipeline:
    """A readable live pipeline of `team` (copy sources: other teams' pipelines are NotFound)."""
    pipeline = access_pipeline_by_id(user, pipeline_id)
    if pipeline.application.team_id != team.pk:
        raise NotFound(f"Pipeline {pipeline_id!s} not found.")
    return pipeline


def require_disable_permission(
    user: Any, pipeline: Pipeline, *, scope: str, project_slugs: Sequence[str] = ()
) -> list[Project]:
    """The projects to disable in, after checking the permission of the chosen scope.

    Team scope needs the team's `disable_pipelines`; project scope needs
    `disable_pipelines_in_project` (project admin) in every named project.
    """
    team = pipeline.application.team
    if scope == "team":
        team_access.require_team_perm(
            user, team, "disable_pipelines", "disable or enable pipelines for the whole team"
        )
        return []
    projects: list[Project] = []
    errors = []
    bound = set(pipeline.application.projects.values_list("id", flat=True))
    for index, slug in enumerate(project_slugs):
        project = Project.objects.select_related("team").filter(team=team, slug=slug).first()
        if project is None or not team_access.has_project_perm(user, project, "view_project"):
            errors.append({"pointer": f"/projects/{index}", "message": f"No project {slug!r}."})
            continue
        if project.pk not in bound:
            errors.append(
                {
                    "pointer": f"/projects/{index}",
                    "message": f"The application is not bound to project {slug!r}.",
                }
            )
            continue
        projects.append(project)
    if errors:
        raise ValidationFailed(errors)
    for project in projects:
        team_access.require_project_perm(
            user,
            project,
            "disable_pipelines_in_project",
            f"disable or enable pipelines in project {project.slug!r}",
        )
    return projects


def can_read_pipeline(user: Any, pipeline: Pipeline) -> bool:
    return not pipeline.is_deleted and application_access.can_read_application(
        user, pipeline.application
    )
