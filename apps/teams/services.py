"""Writes for teams, memberships, projects and project memberships."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from apps.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.teams import access
from apps.teams.models import Membership, Project, ProjectMembership, Team, TeamRole
from apps.users.models import User


def _validate(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [
                {"pointer": f"/{field}", "message": " ".join(messages)}
                for field, messages in exc.message_dict.items()
            ]
        ) from exc


def _validate_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            [
                {
                    "pointer": "/timeZone",
                    "message": f"Unknown time zone {name!r}; use an IANA name "
                    "such as 'Asia/Shanghai'.",
                }
            ]
        ) from exc


# ------------------------------------------------------------------ teams


@transaction.atomic
def team_create(
    *, creator: User, slug: str, name: str, description: str = "", time_zone: str = "UTC"
) -> Team:
    _validate_time_zone(time_zone)
    team = Team(slug=slug, name=name or slug, description=description, time_zone=time_zone)
    _validate(team)
    if Team.objects.filter(slug=slug).exists():
        raise Conflict(f"A team with slug {slug!r} already exists.")
    team.save()
    access.grant_role_permissions_for_team(team)
    membership_set(team=team, user=creator, role=TeamRole.OWNER)
    return team


@transaction.atomic
def team_update(*, team: Team, data: dict[str, Any]) -> Team:
    if "time_zone" in data:
        _validate_time_zone(data["time_zone"])
    for field in ("name", "description", "time_zone"):
        if field in data:
            setattr(team, field, data[field])
    _validate(team)
    team.save()
    return team


@transaction.atomic
def team_delete(*, team: Team) -> None:
    access.drop_role_groups_for_team(team)
    team.delete()


# ------------------------------------------------------------------ team members


def membership_set(*, team: Team, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        team=team, user=user, defaults={"role": role}
    )
    access.set_team_role(user, team, role)
    return membership


def _user_by_username(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationFailed(
            [{"pointer": "/username", "message": f"No active user named {username!r}."}]
        )
    return user


def _require_owner_rights(actor: User, team: Team, role_involved: bool) -> None:
    if role_involved and not access.has_team_perm(actor, team, "manage_owners"):
        raise PermissionDenied("Only team owners can grant, change or revoke the owner role.")


def _owner_count(team: Team) -> int:
    return Membership.objects.filter(team=team, role=TeamRole.OWNER).count()


@transaction.atomic
def team_member_add(*, actor: User, team: Team, username: str, role: str) -> Membership:
    user = _user_by_username(username)
    if Membership.objects.filter(team=team, user=user).exists():
        raise Conflict(f"{username!r} is already a member of this team.")
    _require_owner_rights(actor, team, role == TeamRole.OWNER)
    return membership_set(team=team, user=user, role=role)


def _membership(team: Team, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(team=team, user__username=username).first()
    )
    if membership is None:
        raise NotFound(f"{username!r} is not a member of this team.")
    return membership


@transaction.atomic
def team_member_update(*, actor: User, team: Team, username: str, role: str) -> Membership:
    membership = _membership(team, username)
    _require_owner_rights(actor, team, TeamRole.OWNER in (role, membership.role))
    if membership.role == TeamRole.OWNER and role != TeamRole.OWNER and _owner_count(team) == 1:
        raise Conflict("A team needs at least one owner; make someone else owner first.")
    return membership_set(team=team, user=membership.user, role=role)


@transaction.atomic
def team_member_remove(*, actor: User, team: Team, username: str) -> None:
    membership = _membership(team, username)
    _require_owner_rights(actor, team, membership.role == TeamRole.OWNER)
    if membership.role == TeamRole.OWNER and _owner_count(team) == 1:
        raise Conflict("A team needs at least one owner; make someone else owner first.")
    user = membership.user
    for project_membership in ProjectMembership.objects.filter(project__team=team, user=user):
        access.set_project_role(user, project_membership.project, None)
        project_membership.delete()
    access.set_team_role(user, team, None)
    membership.delete()


# ------------------------------------------------------------------ projects


@transaction.atomic
def project_create(*, team: Team, slug: str, name: str = "", description: str = "") -> Project:
    project = Project(team=team, slug=slug, name=name or slug, description=description)
    _validate(project, exclude=["team"])
    if Project.objects.filter(team=team, slug=slug).exists():
        raise Conflict(f"A project with slug {slug!r} already exists in this team.")
    try:
        project.save()
    except IntegrityError as exc:
        raise Conflict(f"A project with slug {slug!r} already exists in this team.") from exc
    access.grant_role_permissions_for_project(project)
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any]) -> Project:
    for field in ("name", "description"):
        if field in data:
            setattr(project, field, data[field])
    _validate(project, exclude=["team"])
    project.save()
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    access.drop_role_groups_for_project(project)
    project.delete()


# ------------------------------------------------------------------ project members


@transaction.atomic
def project_member_add(*, project: Project, username: str, role: str) -> ProjectMembership:
    user = _user_by_username(username)
    if not Membership.objects.filter(team=project.team, user=user).exists():
        # Joining a project makes you a plain member of its team.
        membership_set(team=project.team, user=user, role=TeamRole.MEMBER)
    if ProjectMembership.objects.filter(project=project, user=user).exists():
        raise Conflict(f"{username!r} is already a member of this project.")
    membership = ProjectMembership.objects.create(project=project, user=user, role=role)
    access.set_project_role(user, project, role)
    return membership


def _project_membership(project: Project, username: str) -> ProjectMembership:
    membership = (
        ProjectMembership.objects.select_related("user")
        .filter(project=project, user__username=username)
        .first()
    )
    if membership is None:
        raise NotFound(f"{username!r} is not a member of this project.")
    return membership


@transaction.atomic
def project_member_update(*, project: Project, username: str, role: str) -> ProjectMembership:
    membership = _project_membership(project, username)
    membership.role = role
    membership.save(update_fields=["role"])
    access.set_project_role(membership.user, project, role)
    return membership


@transaction.atomic
def project_member_remove(*, project: Project, username: str) -> None:
    membership = _project_membership(project, username)
    access.set_project_role(membership.user, project, None)
    membership.delete()
