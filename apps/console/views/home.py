"""The team list and the team home: application cards with search and "create application"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.applications import selectors as application_selectors
from apps.applications import services as application_services
from apps.console.decorators import report, team_page
from apps.console.queries import application_cards
from apps.core.errors import PlatformError
from apps.executions.models import ExecutionStatus
from apps.teams import access as team_access
from apps.teams import selectors as team_selectors
from apps.teams.models import Team
from apps.users.selectors import request_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = list(team_selectors.team_list(user=request.user))
    if len(teams) == 1:
        return redirect("console:team-home", team=teams[0].slug)
    return render(request, "console/teams.html", {"teams": teams})


@team_page
def team_home(request: HttpRequest, team: Team) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    applications = list(
        application_cards(
            application_selectors.application_list(
                user=request_user(request), team=team, search=search
            )
        ).order_by("name")
    )
    pipelines_url = reverse("console:pipelines", kwargs={"team": team.slug, "application": "APP"})
    run_url = reverse("console:execution", kwargs={"team": team.slug, "execution_id": "RUN"})
    labels = dict(ExecutionStatus.choices)
    for card in applications:
        app = cast(Any, card)  # annotated by application_cards
        # Built here, not per card in the template: the page lists every application.
        app.pipelines_url = pipelines_url.replace("APP", app.name)
        app.last_url = run_url.replace("RUN", app.last_execution_id or "")
        app.last_label = labels.get(app.last_status, app.last_status)
        app.last_moment = (
            datetime.fromtimestamp(app.last_build_time / 1000, tz=UTC)
            if app.last_build_time
            else None
        )
    can_create = team_access.has_team_perm(request.user, team, "manage_applications")
    context = {
        "team": team,
        "nav": "applications",
        "applications": applications,
        "search": search,
        "can_create": can_create,
        "projects": team_selectors.project_list(user=request_user(request), team=team)
        if can_create
        else [],
    }
    if getattr(request, "htmx", False):
        return render(request, "console/_application_cards.html", context)
    return render(request, "console/team_home.html", context)


@team_page
@require_POST
def application_create(request: HttpRequest, team: Team) -> HttpResponse:
    team_access.require_team_perm(request.user, team, "manage_applications")
    name = request.POST.get("name", "").strip()
    try:
        application_services.application_create(
            team=team,
            name=name,
            description=request.POST.get("description", "").strip(),
            projects=request.POST.getlist("projects"),
        )
    except PlatformError as error:
        report(request, error)
        return redirect(reverse("console:team-home", kwargs={"team": team.slug}))
    messages.success(request, _("Application %(name)s created.") % {"name": name})
    return redirect("console:pipelines", team=team.slug, application=name)
