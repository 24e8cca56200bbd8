"""Tenant-scoped lookups and role grants (the only module of this app that knows guardian).

Missing and forbidden look the same (NotFound) unless the user can read the object, in
which case an action they may not take is PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission
from guardian.shortcuts import get_objects_for_user

from apps.core.errors import NotFound, PermissionDenied
from apps.teams.models import Project, ProjectMembership, Team
from apps.teams.roles import (
    PROJECT_ROLE_PERMISSIONS,
    TEAM_ROLE_PERMISSIONS,
    project_group_name,
    team_group_name,
)

# ---------------------------------------------------------------- permission checks


def _checker(user: Any) -> ObjectPermissionChecker:
    # One checker per user object, i.e. per request: guardian caches per checker.
    checker = getattr(user, "_cdp_permission_checker", None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        user._cdp_permission_checker = checker
    return checker


def forget_cached_permissions(user: Any) -> None:
    if hasattr(user, "_cdp_permission_checker"):
        del user._cdp_permission_checker


def has_team_perm(user: Any, team: Team, codename: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _checker(user).has_perm(codename, team)


def has_project_perm(user: Any, project: Project, codename: str) -> bool:
    """A project permission, or the team-wide project management that implies it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if _checker(user).has_perm("manage_projects", project.team):
        return True
    return _checker(user).has_perm(codename, project)


def require_team_perm(user: Any, team: Team, codename: str, action: str = "") -> None:
    if not has_team_perm(user, team, codename):
        raise PermissionDenied(
            f"You need the team permission {codename!r}" + (f" to {action}." if action else ".")
        )


def require_project_perm(user: Any, project: Project, codename: str, action: str = "") -> None:
    if not has_project_perm(user, project, codename):
        raise PermissionDenied(
            f"You need the {codename!r} permission in project {project.slug!r}"
            + (f" to {action}." if action else ".")
        )


# ---------------------------------------------------------------- lookups


def teams_for_user(user: Any) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.all()
    return get_objects_for_user(user, "teams.view_team", klass=Team, accept_global_perms=False)


def access_team_by_slug(user: Any, slug: str, perm: str = "view_team") -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None or not has_team_perm(user, team, "view_team"):
        raise NotFound(f"Team {slug!r} not found.")
    if perm != "view_team":
        require_team_perm(user, team, perm)
    return team


def projects_for_user(user: Any, team: Team) -> QuerySet[Project]:
    projects = Project.objects.filter(team=team)
    if has_team_perm(user, team, "manage_projects"):
        return projects
    return get_objects_for_user(
        user, "teams.view_project", klass=projects, accept_global_perms=False
    )


def access_project_by_slug(user: Any, team: Team, slug: str, perm: str = "view_project") -> Project:
    project = Project.objects.select_related("team").filter(team=team, slug=slug).first()
    if project is None or not has_project_perm(user, project, "view_project"):
        raise NotFound(f"Project {slug!r} not found.")
    if perm != "view_project":
        require_project_perm(user, project, perm)
    return project


def readable_project_ids(user: Any, team: Team) -> set[int] | None:
    """Ids of the projects the user reads; None means every project of the team."""
    if has_team_perm(user, team, "view_all_applications"):
        return None
    return set(projects_for_user(user, team).values_list("id", flat=True))


# ---------------------------------------------------------------- grants


def _grant(obj: Team | Project, roles: dict[str, set[str]], group_name: Any) -> None:
    """Creates one group per role and gives it the role's permissions on `obj`, in bulk."""
    content_type = ContentType.objects.get_for_model(obj)
    permissions = {p.codename: p for p in Permission.objects.filter(content_type=content_type)}
    rows: list[GroupObjectPermission] = []
    for role, codenames in roles.items():
        group, _ = Group.objects.get_or_create(name=group_name(obj.pk, role))
        rows.extend(
            GroupObjectPermission(
                group=group,
                permission=permissions[codename],
                content_type=content_type,
                object_pk=str(obj.pk),
            )
            for codename in sorted(codenames)
        )
    GroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


def grant_role_permissions_for_team(team: Team) -> None:
    _grant(team, TEAM_ROLE_PERMISSIONS, team_group_name)


def grant_role_permissions_for_project(project: Project) -> None:
    _grant(project, PROJECT_ROLE_PERMISSIONS, project_group_name)


def set_team_role(user: Any, team: Team, role: str | None) -> None:
    """Puts the user in exactly the group of `role` for the team (None: in none)."""
    names = [team_group_name(team.pk, r) for r in TEAM_ROLE_PERMISSIONS]
    user.groups.remove(*Group.objects.filter(name__in=names))
    if role is not None:
        user.groups.add(Group.objects.get(name=team_group_name(team.pk, role)))
    forget_cached_permissions(user)


def set_project_role(user: Any, project: Project, role: str | None) -> None:
    names = [project_group_name(project.pk, r) for r in PROJECT_ROLE_PERMISSIONS]
    user.groups.remove(*Group.objects.filter(name__in=names))
    if role is not None:
        user.groups.add(Group.objects.get(name=project_group_name(project.pk, role)))
    forget_cached_permissions(user)


def drop_role_groups_for_team(team: Team) -> None:
    project_ids = list(team.projects.values_list("id", flat=True))
    names = [team_group_name(team.pk, r) for r in TEAM_ROLE_PERMISSIONS]
    names += [project_group_name(pid, r) for pid in project_ids for r in PROJECT_ROLE_PERMISSIONS]
    Group.objects.filter(name__in=names).delete()


def drop_role_groups_for_project(project: Project) -> None:
    names = [project_group_name(project.pk, r) for r in PROJECT_ROLE_PERMISSIONS]
    Group.objects.filter(name__in=names).delete()


def project_roles_of(user: Any, team: Team) -> dict[int, str]:
    return dict(
        ProjectMembership.objects.filter(user=user, project__team=team).values_list(
            "project_id", "role"
        )
    )
