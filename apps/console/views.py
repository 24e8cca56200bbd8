"""Console pages: team home, projects, cloud accounts (reads via selectors, writes via services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.applications import selectors as application_selectors
from apps.applications import services as application_services
from apps.cloudaccounts import selectors as account_selectors
from apps.core.errors import PlatformError
from apps.teams import access as team_access
from apps.teams import selectors as team_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = list(team_selectors.team_list(user=request.user))
    if len(teams) == 1:
        return redirect("console:team-home", team=teams[0].slug)
    return render(request, "console/teams.html", {"teams": teams})


@login_required
def team_home(request: HttpRequest, team: str) -> HttpResponse:
    team_obj = team_access.access_team_by_slug(request.user, team)
    search = request.GET.get("q", "").strip()
    applications = application_selectors.application_list(
        user=request.user, team=team_obj, search=search
    )
    context = {
        "team": team_obj,
        "nav": "applications",
        "applications": applications,
        "search": search,
        "can_create": team_access.has_team_perm(request.user, team_obj, "manage_applications"),
        "projects": team_selectors.project_list(user=request.user, team=team_obj),
    }
    partial = getattr(request, "htmx", False)
    template = "console/_application_cards.html" if partial else "console/team_home.html"
    return render(request, template, context)


@login_required
@require_http_methods(["POST"])
def application_create(request: HttpRequest, team: str) -> HttpResponse:
    team_obj = team_access.access_team_by_slug(request.user, team, "manage_applications")
    try:
        application_services.application_create(
            team=team_obj,
            name=request.POST.get("name", "").strip(),
            description=request.POST.get("description", "").strip(),
            projects=request.POST.getlist("projects"),
        )
    except PlatformError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Application created."))
    return redirect(reverse("console:team-home", kwargs={"team": team}))


@login_required
def project_list(request: HttpRequest, team: str) -> HttpResponse:
    team_obj = team_access.access_team_by_slug(request.user, team)
    projects = team_selectors.project_list(user=request.user, team=team_obj).prefetch_related(
        "applications"
    )
    return render(
        request,
        "console/projects.html",
        {"team": team_obj, "projects": projects, "nav": "projects"},
    )


@login_required
def project_detail(request: HttpRequest, team: str, project: str) -> HttpResponse:
    team_obj = team_access.access_team_by_slug(request.user, team)
    project_obj = team_access.access_project_by_slug(request.user, team_obj, project)
    return render(
        request,
        "console/project_detail.html",
        {
            "team": team_obj,
            "nav": "projects",
            "project": project_obj,
            "members": team_selectors.project_member_list(project=project_obj),
            "applications": project_obj.applications.order_by("name"),
        },
    )


@login_required
def cloud_account_list(request: HttpRequest, team: str) -> HttpResponse:
    team_obj = team_access.access_team_by_slug(request.user, team)
    return render(
        request,
        "console/cloud_accounts.html",
        {
            "team": team_obj,
            "nav": "accounts",
            "accounts": account_selectors.cloud_account_list(team=team_obj),
        },
    )
