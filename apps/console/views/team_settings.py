"""Team settings: members and roles, projects and their members, the user's API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.decorators import report, team_page
from apps.console.queries import project_memberships, project_permission
from apps.core.errors import PlatformError, ValidationFailed
from apps.teams import access as team_access
from apps.teams import selectors as team_selectors
from apps.teams import services as team_services
from apps.teams.models import ProjectRole, Team, TeamRole
from apps.users import selectors as user_selectors
from apps.users import services as user_services
from apps.users.models import TokenScope
from apps.users.selectors import request_user


def _page(request: HttpRequest, team: Team, **extra: Any) -> HttpResponse:
    user = request_user(request)
    projects = list(team_selectors.project_list(user=user, team=team))
    for project in projects:
        project.team = team  # permission checks read it; no query per project
    memberships = project_memberships(projects)
    can_manage = project_permission(user=user, team=team, codename="manage_project_members")
    project_rows = [
        {
            "project": project,
            "members": memberships[project.pk],
            "can_manage": can_manage(project),
        }
        for project in projects
    ]
    return render(
        request,
        "console/settings.html",
        {
            "team": team,
            "nav": "settings",
            "members": team_selectors.team_member_list(team=team),
            "my_role": team_selectors.team_role_of(user=user, team=team),
            "can_manage_members": team_access.has_team_perm(user, team, "manage_members"),
            "can_manage_owners": team_access.has_team_perm(user, team, "manage_owners"),
            "can_manage_projects": team_access.has_team_perm(user, team, "manage_projects"),
            "team_roles": TeamRole.choices,
            "project_roles": ProjectRole.choices,
            "project_rows": project_rows,
            "tokens": user_selectors.token_list(user=user),
            "scopes": TokenScope.choices,
            **extra,
        },
    )


@team_page
def settings_page(request: HttpRequest, team: Team) -> HttpResponse:
    return _page(request, team)


def _done(request: HttpRequest, team: Team, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, success)
    return redirect("console:settings", team=team.slug)


@team_page
@require_POST
def member_action(request: HttpRequest, team: Team) -> HttpResponse:
    team_access.require_team_perm(request.user, team, "manage_members")
    action = request.POST.get("action")
    username = request.POST.get("username", "").strip()
    role = request.POST.get("role", TeamRole.MEMBER)
    actor = request_user(request)
    if action == "add":
        return _done(
            request,
            team,
            lambda: team_services.team_member_add(
                actor=actor, team=team, username=username, role=role
            ),
            _("%(user)s added to the team.") % {"user": username},
        )
    if action == "role":
        return _done(
            request,
            team,
            lambda: team_services.team_member_update(
                actor=actor, team=team, username=username, role=role
            ),
            _("%(user)s is now %(role)s.") % {"user": username, "role": TeamRole(role).label}
            if role in TeamRole.values
            else "",
        )
    if action == "remove":
        return _done(
            request,
            team,
            lambda: team_services.team_member_remove(actor=actor, team=team, username=username),
            _("%(user)s removed from the team.") % {"user": username},
        )
    messages.error(request, _("Unknown action."))
    return redirect("console:settings", team=team.slug)


@team_page
@require_POST
def project_action(request: HttpRequest, team: Team) -> HttpResponse:
    action = request.POST.get("action")
    if action == "create":
        team_access.require_team_perm(request.user, team, "manage_projects")
        slug = request.POST.get("slug", "").strip()
        return _done(
            request,
            team,
            lambda: team_services.project_create(
                team=team,
                slug=slug,
                name=request.POST.get("name", "").strip(),
                description=request.POST.get("description", "").strip(),
            ),
            _("Project %(slug)s created.") % {"slug": slug},
        )
    project = team_access.access_project_by_slug(
        request.user, team, request.POST.get("project", ""), "manage_project_members"
    )
    username = request.POST.get("username", "").strip()
    role = request.POST.get("role", ProjectRole.DEVELOPER)
    if action == "add":
        call: Any = lambda: team_services.project_member_add(  # noqa: E731
            project=project, username=username, role=role
        )
        success = _("%(user)s added to %(project)s.")
    elif action == "role":
        call = lambda: team_services.project_member_update(  # noqa: E731
            project=project, username=username, role=role
        )
        success = _("%(user)s's role in %(project)s changed.")
    elif action == "remove":
        call = lambda: team_services.project_member_remove(  # noqa: E731
            project=project, username=username
        )
        success = _("%(user)s removed from %(project)s.")
    else:
        messages.error(request, _("Unknown action."))
        return redirect("console:settings", team=team.slug)
    return _done(request, team, call, success % {"user": username, "project": project.name})


@team_page
@require_POST
def token_action(request: HttpRequest, team: Team) -> HttpResponse:
    user = request_user(request)
    if request.POST.get("action") == "revoke":
        token_id = request.POST.get("token", "")
        return _done(
            request,
            team,
            lambda: user_services.token_revoke(user=user, token_id=int(token_id or 0)),
            _("Token revoked."),
        )
    scopes = [s for s in request.POST.getlist("scopes") if s in TokenScope.values]
    days = request.POST.get("expires_days", "").strip()
    try:
        if not scopes:
            raise ValidationFailed(
                [{"pointer": "/scopes", "message": _("Choose at least one scope.")}]
            )
        issued = user_services.token_create(
            user=user,
            name=request.POST.get("name", "").strip() or "console",
            scopes=scopes,
            expires_days=int(days) if days.isdigit() and int(days) > 0 else None,
        )
    except PlatformError as error:
        report(request, error)
        return redirect("console:settings", team=team.slug)
    # The key is shown in this response only: it is stored hashed and never shown again.
    return _page(request, team, new_key=issued.key, new_token=issued.token)
