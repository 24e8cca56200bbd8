"""Tenant-scoped execution lookups: readable with the application, operated by managers, the
user who started the run, or (for judgments) the stage's approvers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
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


def _project_role(role: str) -> str:
    return "project-admin" if role == "admin" else role


def _team_roles(user: Any, team: Any) -> set[str]:
    return {
        role
        for codename, role in (("manage_owners", "owner"), ("operate_executions", "admin"))
        if team_access.has_team_perm(user, team, codename)
    }


def _roles_in_application(user: Any, execution: Execution) -> set[str]:
    project_roles = ProjectMembership.objects.filter(
        user=user, project__applications=execution.application
    ).values_list("role", flat=True)
    return _team_roles(user, execution.team) | {_project_role(role) for role in project_roles}


def _may_judge(user: Any, stage_context: dict[str, Any], roles: Callable[[], set[str]]) -> bool:
    """Approvers: the stage's `approvers` (usernames) and/or roles (`selectedStageRoles`);
    without either, the application's writers (team managers, admins of bound projects)."""
    approvers = [str(name) for name in stage_context.get("approvers") or []]
    wanted = {str(role).lower() for role in stage_context.get("selectedStageRoles") or []}
    if approvers or wanted:
        return user.username in approvers or bool(wanted & roles())
    return bool({"owner", "admin", "project-admin"} & roles())


def require_judge(user: Any, execution: Execution, stage_context: dict[str, Any]) -> None:
    """PermissionDenied unless the user may decide this manual judgment."""
    if not _may_judge(user, stage_context, lambda: _roles_in_application(user, execution)):
        raise PermissionDenied("You are not an approver of this manual judgment.")


def judge_checker(
    user: Any, executions: Iterable[Execution]
) -> Callable[[Execution, dict[str, Any]], bool]:
    """`require_judge` as a yes/no over many runs (a judgment list): the user's project roles in
    all their applications are read in one query, team roles once per team."""
    runs = list(executions)
    project_roles: dict[int, set[str]] = defaultdict(set)
    if runs:
        memberships = ProjectMembership.objects.filter(
            user=user, project__applications__in={run.application_id for run in runs}
        ).values_list("project__applications", "role")
        for application_id, role in memberships:
            project_roles[application_id].add(_project_role(role))
    team_roles: dict[int, set[str]] = {}

    def may_judge(execution: Execution, stage_context: dict[str, Any]) -> bool:
        def roles() -> set[str]:
            if execution.team_id not in team_roles:
                team_roles[execution.team_id] = _team_roles(user, execution.team)
            return team_roles[execution.team_id] | project_roles[execution.application_id]

        return _may_judge(user, stage_context, roles)

    return may_judge
