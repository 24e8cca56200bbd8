"""An application's pipelines: the ordered list (drag to reorder), create dialog, copy search."""

from __future__ import annotations

import uuid
from datetime import datetime, tzinfo
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.applications import access as application_access
from apps.applications.models import Application
from apps.console.decorators import json_action, json_body, report, team_page
from apps.console.jsstrings import list_strings
from apps.console.queries import pipeline_search as search_pipelines
from apps.console.queries import recent_runs, with_triggers
from apps.core.errors import PlatformError, ValidationFailed
from apps.executions.models import ExecutionStatus
from apps.pipelines import access as pipeline_access
from apps.pipelines import selectors as pipeline_selectors
from apps.pipelines import services as pipeline_services
from apps.pipelines.models import ChangeSource, Pipeline
from apps.teams import access as team_access
from apps.teams import selectors as team_selectors
from apps.teams.models import Team
from apps.users.selectors import request_user

TEMPLATE_CHOICES = ("blank", "kubernetes", "tencent-autoscaling")
PIPELINE_PLACEHOLDER = uuid.UUID(int=0)
RUN_PLACEHOLDER = "RUN-ID"
LIST_LIMIT = 200


def application_for(request: HttpRequest, team: Team, name: str, perm: str = "view") -> Application:
    return application_access.access_application_by_name(request.user, team, name, perm)


def _enabled_triggers(pipeline: Pipeline) -> list[str]:
    triggers = getattr(pipeline, "trigger_list", None)
    if not isinstance(triggers, list):
        return []
    return sorted(
        {
            str(trigger.get("type"))
            for trigger in triggers
            if isinstance(trigger, dict)
            and trigger.get("type")
            and trigger.get("enabled", True) not in (False, "false")
        }
    )


def _url_template(name: str, **kwargs: Any) -> str:
    """A URL with a placeholder for the pipeline or run id: one reverse() for a whole list."""
    return reverse(f"console:{name}", kwargs=kwargs)


def _chip(
    run: dict[str, Any], execution_url: str, labels: dict[str, str], zone: tzinfo
) -> dict[str, Any]:
    moment = f"{datetime.fromtimestamp(run['build_time'] / 1000, tz=zone):%Y-%m-%d %H:%M}"
    label = labels.get(run["status"], run["status"])
    return {
        "url": execution_url.replace(RUN_PLACEHOLDER, run["id"]),
        "status": run["status"],
        "label": label,
        "title": f"{label} · {moment}",
        "short": moment[5:],
    }


def _rows(
    team: Team, pipelines: list[Pipeline], project_slugs: dict[int, str]
) -> list[dict[str, Any]]:
    runs = recent_runs(pipelines)
    memo: dict[str, list[str]] = {}
    labels = {value: str(label) for value, label in ExecutionStatus.choices}
    execution_url = _url_template("execution", team=team.slug, execution_id=RUN_PLACEHOLDER)
    zone = timezone.get_current_timezone()
    urls = {
        name: _url_template(name, team=team.slug, pipeline_id=PIPELINE_PLACEHOLDER)
        for name in ("pipeline", "pipeline-runs", "pipeline-run", "pipeline-undelete")
    }
    rows = []
    for pipeline in pipelines:
        runnable, reasons = pipeline_selectors.stage_types_runnable(pipeline.stage_types, memo)
        key = str(pipeline.pk)
        rows.append(
            {
                "pipeline": pipeline,
                "urls": {
                    name.replace("-", "_"): url.replace(str(PIPELINE_PLACEHOLDER), key)
                    for name, url in urls.items()
                },
                "runs": [_chip(run, execution_url, labels, zone) for run in runs.get(key, [])],
                "runnable": runnable,
                "reasons": " ".join(reasons),
                "triggers": _enabled_triggers(pipeline),
                "disabled_in": sorted(
                    project_slugs[pk]
                    for pk in pipeline.disabled_project_ids or []
                    if pk in project_slugs
                ),
            }
        )
    return rows


@team_page
def pipeline_list(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application)
    deleted = request.GET.get("deleted") == "1"
    search = request.GET.get("q", "").strip()
    pipelines = list(
        with_triggers(
            pipeline_selectors.pipeline_list(application=app, deleted=deleted, search=search)
        ).order_by(*(("-deleted_at",) if deleted else ("index", "name")))[:LIST_LIMIT]
    )
    project_slugs = dict(
        team_selectors.project_list(user=request_user(request), team=team).values_list("id", "slug")
    )
    user = request_user(request)
    return render(
        request,
        "console/pipelines.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": app,
            "rows": _rows(team, pipelines, project_slugs),
            "deleted": deleted,
            "search": search,
            "truncated": len(pipelines) == LIST_LIMIT,
            "can_manage": team_access.has_team_perm(user, team, "manage_pipelines"),
            "can_run": team_access.has_team_perm(user, team, "operate_executions"),
            "templates": TEMPLATE_CHOICES,
            "strings": list_strings(),
        },
    )


@team_page
@require_POST
def pipeline_create(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application, "manage_pipelines")
    name = request.POST.get("name", "").strip()
    source = request.POST.get("source", "blank")
    try:
        if not name:
            raise ValidationFailed(
                [{"pointer": "/name", "message": _("Give the pipeline a name.")}]
            )
        if source == "copy":
            original = pipeline_access.access_pipeline_in_team(
                request.user, team, request.POST.get("copy_from", "")
            )
            pipeline = pipeline_services.pipeline_copy(
                application=app, source_pipeline=original, name=name, actor=request_user(request)
            )
        else:
            if source not in TEMPLATE_CHOICES:
                source = "blank"
            pipeline = pipeline_services.pipeline_create_from_template(
                application=app,
                name=name,
                template=source,
                actor=request_user(request),
                source=ChangeSource.CONSOLE,
            )
    except PlatformError as error:
        report(request, error)
        return redirect("console:pipelines", team=team.slug, application=app.name)
    messages.success(request, _("Pipeline %(name)s created.") % {"name": pipeline.name})
    for warning in pipeline.warnings or []:
        if warning.get("code") == "trigger_disabled":
            messages.warning(request, warning.get("message", ""))
    return redirect("console:pipeline", team=team.slug, pipeline_id=pipeline.pk)


@json_action
@require_POST
def pipeline_reorder(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    """Body `{ids: [...]}`: the visible pipelines in their new order; they keep the slots
    (index values) they had between them, so pipelines not shown keep their places."""
    app = application_for(request, team, application, "manage_pipelines")
    body = json_body(request)
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(each, str) for each in ids):
        raise ValidationFailed(
            [{"pointer": "/ids", "message": _("Send the pipeline ids in order.")}]
        )
    slots = sorted(
        pipeline_selectors.pipeline_list(application=app)
        .filter(pk__in=[each for each in ids if _is_uuid(each)])
        .values_list("index", flat=True)
    )
    if len(slots) != len(ids):
        raise ValidationFailed(
            [{"pointer": "/ids", "message": _("Some pipelines no longer exist; reload the page.")}]
        )
    count = pipeline_services.pipeline_reorder(
        application=app, ids_to_indices={each: slots[i] for i, each in enumerate(ids)}
    )
    return JsonResponse({"reordered": count})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@team_page
def pipeline_search(request: HttpRequest, team: Team) -> HttpResponse:
    """Options for the "copy from" pickers: pipelines of every readable application."""
    pipelines = search_pipelines(
        user=request_user(request), team=team, search=request.GET.get("q", "").strip()
    )
    return render(
        request,
        "console/_pipeline_options.html",
        {"pipelines": pipelines, "exclude": request.GET.get("exclude", "")},
    )
