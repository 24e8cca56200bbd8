"""The workbench: manual judgments across the team waiting for the current user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.console.decorators import team_page
from apps.console.queries import judgments_awaiting, release_orders_by
from apps.teams.models import Team


@team_page
def workbench(request: HttpRequest, team: Team) -> HttpResponse:
    return render(
        request,
        "console/workbench.html",
        {
            "team": team,
            "nav": "workbench",
            "waiting": judgments_awaiting(user=request.user, team=team),
            "orders": release_orders_by(user=request.user, team=team),
        },
    )
