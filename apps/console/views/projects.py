"""Projects: the list, a project's release orders, "new release order", release-order detail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.applications import access as application_access
from apps.console.decorators import team_page
from apps.console.jsstrings import status_strings
from apps.console.startform import artifact_fields, parameter_errors, parameter_fields, parse_start
from apps.core.errors import NotFound, PlatformError
from apps.executions.selectors import release_order_list
from apps.executions.services.release_orders import release_order_create
from apps.pipelines import selectors as pipeline_selectors
from apps.pipelines.models import Pipeline
from apps.teams import access as team_access
from apps.teams import selectors as team_selectors
from apps.teams.models import Project, Team
from apps.users.selectors import request_user

ORDERS_SHOWN = 50


@team_page
def project_list(request: HttpRequest, team: Team) -> HttpResponse:
    projects = team_selectors.project_list(user=request_user(request), team=team).prefetch_related(
        "applications"
    )
    return render(
        request, "console/projects.html", {"team": team, "projects": projects, "nav": "projects"}
    )


def _applications(request: HttpRequest, project: Project) -> list[Any]:
    """Applications bound to the project that the user reads."""
    readable = application_access.applications_for_user(request.user, project.team)
    return list(readable.filter(projects=project).order_by("name"))


@team_page
def project_detail(request: HttpRequest, team: Team, project: str) -> HttpResponse:
    project_obj = team_access.access_project_by_slug(request.user, team, project)
    orders = list(release_order_list(project=project_obj)[:ORDERS_SHOWN])
    return render(
        request,
        "console/project_detail.html",
        {
            "team": team,
            "nav": "projects",
            "project": project_obj,
            "orders": orders,
            "members": team_selectors.project_member_list(project=project_obj),
            "applications": _applications(request, project_obj),
            "can_submit": team_access.has_project_perm(
                request.user, project_obj, "submit_release_orders"
            ),
        },
    )


def _application(applications: list[Any], name: str) -> Any:
    return next((app for app in applications if app.name == name), None)


def _pipelines(application: Any) -> list[Any]:
    """The picker's rows (id, name, disabled): an application may have thousands."""
    if application is None:
        return []
    return list(pipeline_selectors.pipeline_choice_list(application=application))


def _pipeline(application: Any, pipeline_id: str) -> Pipeline | None:
    """The live pipeline chosen in the picker, if it belongs to `application`."""
    if application is None or not pipeline_id:
        return None
    pipeline = pipeline_selectors.pipeline_get(pipeline_id=pipeline_id)
    if pipeline is None or pipeline.application_id != application.pk:
        return None
    return pipeline


@team_page
def release_order_new(request: HttpRequest, team: Team, project: str) -> HttpResponse:
    project_obj = team_access.access_project_by_slug(
        request.user, team, project, "submit_release_orders"
    )
    data = request.POST if request.method == "POST" else request.GET
    application_name = data.get("application", "")
    pipeline_id = data.get("pipeline", "")
    applications = _applications(request, project_obj)
    application = _application(applications, application_name)
    pipeline = _pipeline(application, pipeline_id)
    config = pipeline_selectors.pipeline_config_for_run(pipeline) if pipeline else {}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        parameters, artifacts = parse_start(request.POST, config)
        try:
            order = release_order_create(
                project=project_obj,
                application_name=application_name,
                pipeline_id=pipeline_id,
                user=request_user(request),
                parameters=parameters,
                artifacts=artifacts,
                note=request.POST.get("note", "").strip()[:4000],
            )
        except PlatformError as error:
            errors = parameter_errors(error.details)
            message = error.message
        else:
            messages.success(request, _("Release order #%(id)s submitted.") % {"id": order.pk})
            return redirect(
                "console:release-order", team=team.slug, project=project_obj.slug, order_id=order.pk
            )
    posted = request.POST if request.method == "POST" else None
    return render(
        request,
        "console/release_order_new.html",
        {
            "team": team,
            "nav": "projects",
            "project": project_obj,
            "applications": applications,
            "application_name": application_name,
            "pipelines": _pipelines(application),
            "pipeline": pipeline,
            "parameters": parameter_fields(config, posted, errors),
            "artifacts": artifact_fields(config, posted),
            "message": message,
            "note": request.POST.get("note", ""),
        },
    )


@team_page
def release_order_pipelines(request: HttpRequest, team: Team, project: str) -> HttpResponse:
    """htmx: the pipeline picker of the chosen application."""
    project_obj = team_access.access_project_by_slug(request.user, team, project)
    applications = _applications(request, project_obj)
    application = _application(applications, request.GET.get("application", ""))
    pipelines = _pipelines(application)
    return render(
        request,
        "console/_release_order_pipelines.html",
        {
            "team": team,
            "project": project_obj,
            "pipelines": pipelines,
            "pipeline": None,
            "oob": True,
        },
    )


@team_page
def release_order_parameters(request: HttpRequest, team: Team, project: str) -> HttpResponse:
    """htmx: parameters and artifacts of the chosen pipeline."""
    project_obj = team_access.access_project_by_slug(request.user, team, project)
    applications = _applications(request, project_obj)
    application = _application(applications, request.GET.get("application", ""))
    pipeline = _pipeline(application, request.GET.get("pipeline", ""))
    config = pipeline_selectors.pipeline_config_for_run(pipeline) if pipeline else {}
    return render(
        request,
        "console/_start_fields.html",
        {
            "parameters": parameter_fields(config),
            "artifacts": artifact_fields(config),
            "pipeline": pipeline,
        },
    )


@team_page
def release_order_detail(
    request: HttpRequest, team: Team, project: str, order_id: int
) -> HttpResponse:
    project_obj = team_access.access_project_by_slug(request.user, team, project)
    order = release_order_list(project=project_obj).filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"Release order {order_id} not found.")
    execution_url = (
        reverse("console:execution", kwargs={"team": team.slug, "execution_id": order.execution_id})
        if order.execution_id
        else ""
    )
    return render(
        request,
        "console/release_order.html",
        {
            "team": team,
            "nav": "projects",
            "project": project_obj,
            "order": order,
            "execution_url": execution_url,
            "ws_path": f"/ws/executions/{order.execution_id}/" if order.execution_id else "",
            "strings": status_strings(),
        },
    )
