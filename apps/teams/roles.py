"""Which permissions each team and project role carries (the only place roles are defined)."""

from __future__ import annotations

from apps.teams.models import ProjectRole, TeamRole

_MANAGER = {
    "view_team",
    "change_team",
    "manage_members",
    "manage_projects",
    "manage_applications",
    "view_all_applications",
    "manage_cloudaccounts",
    "manage_pipelines",
    "lock_pipelines",
    "disable_pipelines",
    "operate_executions",
}

TEAM_ROLE_PERMISSIONS: dict[str, set[str]] = {
    TeamRole.OWNER: _MANAGER | {"delete_team", "manage_owners"},
    TeamRole.ADMIN: set(_MANAGER),
    TeamRole.MEMBER: {"view_team"},
}

PROJECT_ROLE_PERMISSIONS: dict[str, set[str]] = {
    ProjectRole.ADMIN: {
        "view_project",
        "change_project",
        "manage_project_members",
        "disable_pipelines_in_project",
        "submit_release_orders",
    },
    ProjectRole.DEVELOPER: {"view_project", "submit_release_orders"},
    ProjectRole.VIEWER: {"view_project"},
}

TEAM_ROLE_RANK = {TeamRole.MEMBER: 0, TeamRole.ADMIN: 1, TeamRole.OWNER: 2}


def team_group_name(team_id: int, role: str) -> str:
    return f"team:{team_id}:{role}"


def project_group_name(project_id: int, role: str) -> str:
    return f"project:{project_id}:{role}"
