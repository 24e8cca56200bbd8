"""The pipeline settings menu: delete, disable/enable, lock/unlock, revisions (diff, restore)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.decorators import back, report, team_page
from apps.console.diffs import side_by_side
from apps.console.views.editor import lock_state, pipeline_in_team, pipeline_permissions
from apps.core.errors import NotFound, PlatformError, ValidationFailed
from apps.pipelines import access as pipeline_access
from apps.pipelines import selectors as pipeline_selectors
from apps.pipelines import services as pipeline_services
from apps.pipelines.diffing import comparable, pretty
from apps.pipelines.models import ChangeSource
from apps.teams.models import Team
from apps.users.selectors import request_user

CONSOLE = ChangeSource.CONSOLE


def _editor(team: Team, pipeline_id: Any) -> str:
    return reverse("console:pipeline", kwargs={"team": team.slug, "pipeline_id": pipeline_id})


@team_page
@require_POST
def pipeline_delete(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id, "manage_pipelines")
    if request.POST.get("confirm_name", "") != pipeline.name:
        messages.error(request, _("Type the pipeline's name exactly to delete it."))
        return back(request, _editor(team, pipeline.pk))
    try:
        pipeline_services.pipeline_delete(
            pipeline=pipeline,
            actor=request_user(request),
            source=CONSOLE,
            note=request.POST.get("note", ""),
        )
    except PlatformError as error:
        report(request, error)
        return back(request, _editor(team, pipeline.pk))
    messages.success(request, _("Pipeline %(name)s deleted.") % {"name": pipeline.name})
    return redirect("console:pipelines", team=team.slug, application=pipeline.application.name)


@team_page
@require_POST
def pipeline_undelete(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_access.access_pipeline_by_id(
        request.user, pipeline_id, "manage_pipelines", include_deleted=True
    )
    if pipeline.application.team_id != team.pk:
        raise NotFound(f"Pipeline {pipeline_id!s} not found.")
    try:
        pipeline_services.pipeline_undelete(
            pipeline=pipeline, actor=request_user(request), source=CONSOLE
        )
    except PlatformError as error:
        report(request, error)
        return redirect("console:pipelines", team=team.slug, application=pipeline.application.name)
    messages.success(request, _("Pipeline %(name)s restored.") % {"name": pipeline.name})
    return redirect("console:pipeline", team=team.slug, pipeline_id=pipeline.pk)


def _change_disabled(
    request: HttpRequest, team: Team, pipeline_id: Any, *, disable: bool
) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    scope = "projects" if request.POST.get("scope") == "projects" else "team"
    slugs = request.POST.getlist("projects")
    try:
        if scope == "projects" and not slugs:
            raise ValidationFailed(
                [{"pointer": "/projects", "message": _("Choose at least one project.")}]
            )
        projects = pipeline_access.require_disable_permission(
            request.user, pipeline, scope=scope, project_slugs=slugs
        )
        change = (
            pipeline_services.pipeline_disable if disable else pipeline_services.pipeline_enable
        )
        change(
            pipeline=pipeline,
            actor=request_user(request),
            source=CONSOLE,
            scope=scope,
            projects=projects,
            note=request.POST.get("note", ""),
        )
    except PlatformError as error:
        report(request, error)
    else:
        if disable:
            messages.success(request, _("Pipeline disabled."))
        else:
            messages.success(request, _("Pipeline enabled."))
    return back(request, _editor(team, pipeline.pk))


@team_page
@require_POST
def pipeline_disable(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    return _change_disabled(request, team, pipeline_id, disable=True)


@team_page
@require_POST
def pipeline_enable(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    return _change_disabled(request, team, pipeline_id, disable=False)


@team_page
@require_POST
def pipeline_lock(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id, "lock_pipelines")
    try:
        pipeline_services.pipeline_lock(
            pipeline=pipeline,
            actor=request_user(request),
            source=CONSOLE,
            description=request.POST.get("description", "").strip()[:1000],
            allow_unlock_ui=request.POST.get("allow_unlock_ui") == "on",
            allow_api_updates=request.POST.get("allow_api_updates") == "on",
        )
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, _("Pipeline locked."))
    return back(request, _editor(team, pipeline.pk))


@team_page
@require_POST
def pipeline_unlock(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id, "lock_pipelines")
    try:
        pipeline_services.pipeline_unlock(
            pipeline=pipeline, actor=request_user(request), source=CONSOLE
        )
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, _("Pipeline unlocked."))
    return back(request, _editor(team, pipeline.pk))


@team_page
def revision_list(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    revisions = list(pipeline_selectors.revision_list(pipeline=pipeline)[:200])
    permissions = pipeline_permissions(request.user, pipeline)
    return render(
        request,
        "console/revisions.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": pipeline.application,
            "pipeline": pipeline,
            "revisions": revisions,
            "perms": permissions,
            "lock": lock_state(pipeline),
            "can_restore": permissions["can_manage"] and not pipeline.is_locked,
        },
    )


def _side(pipeline: Any, which: str) -> tuple[str, dict[str, Any]]:
    if which == "current":
        return _("current"), pipeline_selectors.pipeline_export(pipeline)
    if not which.isdigit():
        raise ValidationFailed([{"pointer": "/from", "message": _("Pick two revisions.")}])
    record = pipeline_selectors.revision_get(pipeline=pipeline, revision=int(which))
    label = _("revision %(number)s") % {"number": record.revision}
    return label, pipeline_selectors.revision_document(pipeline=pipeline, record=record)


@team_page
def revision_diff(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    old_key = request.GET.get("from", "")
    new_key = request.GET.get("to", "current") or "current"
    old_label, old = _side(pipeline, old_key)
    new_label, new = _side(pipeline, new_key)
    rows, changed = side_by_side(pretty(comparable(old)), pretty(comparable(new)))
    permissions = pipeline_permissions(request.user, pipeline)
    return render(
        request,
        "console/revision_diff.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": pipeline.application,
            "pipeline": pipeline,
            "old_label": old_label,
            "new_label": new_label,
            "old_key": old_key,
            "new_key": new_key,
            "rows": rows,
            "changed": changed,
            "can_restore": permissions["can_manage"] and not pipeline.is_locked,
        },
    )


@team_page
@require_POST
def revision_restore(
    request: HttpRequest, team: Team, pipeline_id: Any, revision: int
) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id, "manage_pipelines")
    try:
        pipeline_services.pipeline_restore_revision(
            pipeline=pipeline,
            revision=revision,
            actor=request_user(request),
            source=CONSOLE,
            note=request.POST.get("note", "").strip(),
        )
    except PlatformError as error:
        report(request, error)
        return redirect("console:revisions", team=team.slug, pipeline_id=pipeline.pk)
    messages.success(
        request, _("Revision %(number)s restored as a new revision.") % {"number": revision}
    )
    return redirect("console:revisions", team=team.slug, pipeline_id=pipeline.pk)
