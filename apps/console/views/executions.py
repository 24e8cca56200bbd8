"""Runs: lists per pipeline and application, the start dialog, and the live execution page."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.catalog import stage_labels
from apps.console.decorators import json_action, json_body, team_page
from apps.console.jsstrings import execution_strings
from apps.console.queries import run_page, trigger_types_of
from apps.console.startform import artifact_fields, parameter_errors, parameter_fields, parse_start
from apps.console.views.editor import pipeline_in_team
from apps.console.views.pipelines import application_for
from apps.core.errors import NotFound, PermissionDenied, PlatformError, ValidationFailed
from apps.executions import access as execution_access
from apps.executions import selectors as execution_selectors
from apps.executions.models import Execution, ExecutionStatus
from apps.executions.services import operations
from apps.executions.services.launch import pipeline_start
from apps.pipelines import selectors as pipeline_selectors
from apps.teams import access as team_access
from apps.teams.models import Team
from apps.users.selectors import request_user

ACTIVE = {"RUNNING", "PAUSED", "SUSPENDED", "NOT_STARTED", "BUFFERED"}


def _filters(request: HttpRequest) -> tuple[list[str], list[str]]:
    statuses = [s for s in request.GET.getlist("status") if s in ExecutionStatus.values]
    triggers = [t for t in request.GET.getlist("trigger") if t]
    return statuses, triggers


def _runs(
    request: HttpRequest, executions: Any, context: dict[str, Any], template: str
) -> HttpResponse:
    statuses, triggers = _filters(request)
    page, cursor = run_page(
        executions,
        statuses=statuses,
        trigger_types=triggers,
        before=request.GET.get("before", ""),
    )
    query = request.GET.copy()
    query.pop("before", None)
    context.update(
        {
            "runs": page,
            "cursor": cursor,
            "filter_query": query.urlencode(),
            "statuses": statuses,
            "triggers": triggers,
            "status_choices": ExecutionStatus.choices,
        }
    )
    if getattr(request, "htmx", False):
        partial = "console/_run_rows.html" if request.GET.get("before") else "console/_runs.html"
        return render(request, partial, context)
    context["trigger_choices"] = trigger_types_of(executions)
    return render(request, template, context)


@team_page
def application_runs(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application)
    context = {
        "team": team,
        "nav": "applications",
        "app_nav": "executions",
        "application": app,
        "list_url": reverse(
            "console:application-runs", kwargs={"team": team.slug, "application": app.name}
        ),
        "show_pipeline": True,
    }
    return _runs(request, Execution.objects.filter(application=app), context, "console/runs.html")


@team_page
def pipeline_runs(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    context = {
        "team": team,
        "nav": "applications",
        "app_nav": "executions",
        "application": pipeline.application,
        "pipeline": pipeline,
        "list_url": reverse(
            "console:pipeline-runs", kwargs={"team": team.slug, "pipeline_id": pipeline.pk}
        ),
        "can_run": team_access.has_team_perm(request.user, team, "operate_executions"),
        "show_pipeline": False,
    }
    executions = Execution.objects.filter(
        application=pipeline.application, pipeline_config_id=str(pipeline.pk)
    )
    return _runs(request, executions, context, "console/runs.html")


@team_page
def run_dialog(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    """GET: the start form; POST: start the run, then go to its page."""
    pipeline = pipeline_in_team(request, team, pipeline_id, "operate_executions")
    config = pipeline_selectors.pipeline_config_for_run(pipeline)
    errors: dict[str, str] = {}
    message = ""
    posted = None
    if request.method == "POST":
        posted = request.POST
        parameters, artifacts = parse_start(request.POST, config)
        try:
            execution = pipeline_start(
                pipeline_id=pipeline.pk,
                user=request_user(request),
                trigger={"type": "manual", "user": request.user.username},
                parameters=parameters,
                artifacts=artifacts,
            )
        except PlatformError as error:
            errors = parameter_errors(error.details)
            message = error.message
        else:
            target = reverse(
                "console:execution", kwargs={"team": team.slug, "execution_id": execution.pk}
            )
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    context = {
        "team": team,
        "pipeline": pipeline,
        "parameters": parameter_fields(config, posted, errors),
        "artifacts": artifact_fields(config, posted),
        "message": message,
        "alert": config.get("manualStartAlert")
        if isinstance(config.get("manualStartAlert"), dict)
        else None,
        "action": reverse(
            "console:pipeline-run", kwargs={"team": team.slug, "pipeline_id": pipeline.pk}
        ),
    }
    if getattr(request, "htmx", False):
        return render(request, "console/_run_form.html", context)
    return render(
        request,
        "console/run.html",
        {
            **context,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": pipeline.application,
        },
    )


def execution_in_team(
    request: HttpRequest, team: Team, execution_id: str, perm: str = "view"
) -> Execution:
    execution = execution_access.access_execution_by_id(request.user, execution_id, perm)
    if execution.team_id != team.pk:
        raise NotFound(f"Execution {execution_id!r} not found.")
    return execution


def run_permissions(user: Any, execution: Execution, document: dict[str, Any]) -> dict[str, Any]:
    judgeable = []
    for stage in document.get("stages") or []:
        if stage.get("type") != "manualJudgment" or stage.get("status") != "RUNNING":
            continue
        try:
            execution_access.require_judge(user, execution, stage.get("context") or {})
        except PermissionDenied:
            continue
        judgeable.append(stage["id"])
    return {
        "canOperate": execution_access.can_operate(user, execution),
        "judgeable": judgeable,
        "canRestartRunning": execution.application.enable_restart_running_executions,
    }


@team_page
def execution_detail(request: HttpRequest, team: Team, execution_id: str) -> HttpResponse:
    execution = execution_in_team(request, team, execution_id)
    document = execution_selectors.execution_document(execution)
    pipeline = pipeline_selectors.pipeline_get(
        pipeline_id=document.get("pipelineConfigId") or execution.pipeline_config_id,
        include_deleted=True,
    )
    release_order = getattr(execution, "release_order", None)
    base = {"team": team.slug, "execution_id": execution.pk}
    config = {
        "executionId": execution.pk,
        "wsPath": f"/ws/executions/{execution.pk}/",
        "dataUrl": reverse("console:execution-data", kwargs=base),
        "evaluateUrl": reverse("console:execution-evaluate", kwargs=base),
        "actionUrl": reverse("console:execution-action", kwargs={**base, "action": "ACTION"}),
        "stageActionUrl": reverse(
            "console:stage-action", kwargs={**base, "stage_id": "STAGE", "action": "ACTION"}
        ),
        "stageLabels": stage_labels(),
        "permissions": run_permissions(request.user, execution, document),
    }
    return render(
        request,
        "console/execution.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "executions",
            "application": execution.application,
            "execution": execution,
            "document": document,
            "pipeline": pipeline,
            "release_order": release_order,
            "trigger": document.get("trigger") or {},
            "execution_config": config,
            "strings": execution_strings(),
            "active": document.get("status") in ACTIVE,
        },
    )


@json_action
def execution_data(request: HttpRequest, team: Team, execution_id: str) -> HttpResponse:
    execution = execution_in_team(request, team, execution_id)
    document = execution_selectors.execution_document(execution)
    return JsonResponse(
        {"execution": document, "permissions": run_permissions(request.user, execution, document)}
    )


@team_page
def execution_source(request: HttpRequest, team: Team, execution_id: str) -> HttpResponse:
    execution = execution_in_team(request, team, execution_id)
    text = json.dumps(
        execution_selectors.execution_document(execution), indent=2, ensure_ascii=False
    )
    return HttpResponse(text, content_type="application/json; charset=utf-8")


@json_action
@require_POST
def execution_evaluate(request: HttpRequest, team: Team, execution_id: str) -> HttpResponse:
    execution = execution_in_team(request, team, execution_id)
    body = json_body(request)
    expression = body.get("expression") if isinstance(body, dict) else None
    if not isinstance(expression, str) or not expression.strip():
        raise ValidationFailed([{"pointer": "/expression", "message": _("Type an expression.")}])
    stage_id = body.get("stageId") or None
    result = execution_selectors.execution_evaluate(
        execution, expression=expression[:10_000], stage_id=str(stage_id) if stage_id else None
    )
    return JsonResponse(json.loads(json.dumps(result, default=str)))


def _accepted(execution: Execution) -> JsonResponse:
    execution.refresh_from_db(fields=["status"])
    return JsonResponse({"id": execution.pk, "status": execution.status}, status=202)


@json_action
@require_POST
def execution_action(
    request: HttpRequest, team: Team, execution_id: str, action: str
) -> HttpResponse:
    execution = execution_in_team(request, team, execution_id, execution_access.OPERATE)
    body = json_body(request) if request.body else {}
    user = request_user(request)
    if action == "cancel":
        reason = str((body or {}).get("reason") or "")[:2000]
        operations.execution_cancel(execution=execution, user=user, reason=reason)
    elif action == "pause":
        operations.execution_pause(execution=execution, user=user)
    elif action == "resume":
        operations.execution_resume(execution=execution, user=user)
    else:
        raise NotFound(f"No action {action!r}.")
    return _accepted(execution)


@json_action
@require_POST
def stage_action(
    request: HttpRequest, team: Team, execution_id: str, stage_id: str, action: str
) -> HttpResponse:
    user = request_user(request)
    if action == "judgment":
        execution = execution_in_team(request, team, execution_id)
        body = json_body(request)
        if not isinstance(body, dict) or body.get("judgmentStatus") not in ("continue", "stop"):
            raise ValidationFailed(
                [{"pointer": "/judgmentStatus", "message": _("Choose continue or stop.")}]
            )
        stage = execution_selectors.execution_stage(execution, stage_id)
        execution_access.require_judge(user, execution, stage.context)
        custom = body.get("customParams")
        operations.stage_judge(
            execution=execution,
            stage_id=stage_id,
            user=user,
            judgment_status=body["judgmentStatus"],
            judgment_input=str(body["judgmentInput"])[:1000] if body.get("judgmentInput") else None,
            custom_params=custom if isinstance(custom, dict) else None,
        )
        return _accepted(execution)
    execution = execution_in_team(request, team, execution_id, execution_access.OPERATE)
    actions = {
        "restart": operations.stage_restart,
        "skip": operations.stage_skip,
        "skip-wait": operations.stage_skip_wait,
        "skip-window": operations.stage_skip_window,
    }
    if action not in actions:
        raise NotFound(f"No action {action!r}.")
    actions[action](execution=execution, stage_id=stage_id, user=user)
    return _accepted(execution)
