"""Tenant-scoped execution lookups: readable with the application, operated by managers, the
user who started the run, or (for judgments) the stage's approvers."""

from __future__ import annotations

from typing import Any

from apps.applications.access import can_read_application
from apps.core.errors import NotFound, PermissionDenied
from apps.executions.models import Execution
from apps.teams import access as team_access
from apps.teams.models import ProjectMembership

OPERATE = "operate"


def access_execution_by_id(user: Any, execution_id: str, perm: str = "view") -> Execution:
    execution = (
        Execution.objects.select_related("application", "application__team", "team")
        .filter(pk=execution_id)
        .first()
    )
    if (
        execution is None
        or not user.is_authenticated
        or not can_read_application(user, execution.application)
    ):
        raise NotFound(f"Execution {execution_id!r} not found.")
    if perm == OPERATE and not can_operate(user, execution):
        raise PermissionDenied(
            "Only the team's deployment managers or the user who started this run can do this."
        )
    return execution


def can_operate(user: Any, execution: Execution) -> bool:
    if team_access.has_team_perm(user, execution.team, "operate_executions"):
        return True
    return execution.started_by_id is not None and execution.started_by_id == user.pk


def _roles_in_application(user: Any, execution: Execution) -> set[str]:
    roles = set()
    for codename, role in (("manage_owners", "owner"), ("operate_executions", "admin")):
        if team_access.has_team_perm(user, execution.team, codename):
            roles.add(role)
    project_roles = ProjectMembership.objects.filter(
        user=user, project__applications=execution.application
    ).values_list("role", flat=True)
    roles.update("project-admin" if role == "admin" else role for role in project_roles)
    return roles


def require_judge(user: Any, execution: Execution, stage_context: dict[str, Any]) -> None:
    """Approvers: the stage's `approvers` (usernames) and/or roles (`selectedStageRoles`);
    without either, the application's writers (team managers, admins of bound projects)."""
    approvers = [str(name) for name in stage_context.get("approvers") or []]
    roles = {str(role).lower() for role in stage_context.get("selectedStageRoles") or []}
    if approvers or roles:
        allowed = user.username in approvers or bool(roles & _roles_in_application(user, execution))
    else:
        allowed = bool({"owner", "admin", "project-admin"} & _roles_in_application(user, execution))
    if not allowed:
        raise PermissionDenied("You are not an approver of this manual judgment.")
