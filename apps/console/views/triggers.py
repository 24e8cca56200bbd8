"""A pipeline's automatic triggers as the platform indexed them, and the delivery log for it."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.decorators import team_page
from apps.console.views.editor import pipeline_in_team
from apps.teams import access as team_access
from apps.teams.models import Team
from apps.triggers import access as trigger_access
from apps.triggers import selectors as trigger_selectors
from apps.triggers.services.index import trigger_secret_set, trigger_token_rotate
from apps.users.selectors import request_user

DELIVERIES_SHOWN = 50


def _rows(request: HttpRequest, pipeline: Any) -> list[dict[str, Any]]:
    base = request.build_absolute_uri("/").rstrip("/")
    return [
        {
            "row": row,
            "webhook_url": trigger_selectors.webhook_url(row, base=base)
            if row.type == "webhook"
            else "",
        }
        for row in trigger_selectors.trigger_list_for_pipeline(pipeline=pipeline)
    ]


@team_page
def trigger_list(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    deliveries = list(
        trigger_selectors.trigger_event_list(
            user=request_user(request), team=team, pipeline=str(pipeline.pk)
        ).order_by("-id")[:DELIVERIES_SHOWN]
    )
    for row in deliveries:
        delivery = cast(Any, row)
        delivery.own_outcomes = [
            outcome for outcome in delivery.outcomes.all() if outcome.pipeline_id == pipeline.pk
        ]
    return render(
        request,
        "console/triggers.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": pipeline.application,
            "pipeline": pipeline,
            "triggers": _rows(request, pipeline),
            "deliveries": deliveries,
            "can_manage": team_access.has_team_perm(request.user, team, "manage_pipelines"),
            "new_secret": request.session.pop("console_new_trigger_secret", None),
        },
    )


@team_page
@require_POST
def trigger_action(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    row = trigger_access.access_trigger_by_id(
        request.user, str(pipeline.pk), request.POST.get("trigger", ""), "manage_pipelines"
    )
    action = request.POST.get("action")
    if action == "rotate":
        trigger_token_rotate(row=row)
        messages.success(request, _("New webhook URL issued; the old one no longer works."))
    elif action == "secret":
        secret = secrets.token_urlsafe(32)
        trigger_secret_set(row=row, secret=secret)
        # Shown once on the next page (the session is server-side), then forgotten.
        request.session["console_new_trigger_secret"] = {
            "trigger": row.trigger_id,
            "secret": secret,
        }
        messages.success(request, _("New signing secret generated."))
    elif action == "clear-secret":
        trigger_secret_set(row=row, secret=None)
        messages.success(request, _("Signing secret removed."))
    return redirect("console:pipeline-triggers", team=team.slug, pipeline_id=pipeline.pk)
