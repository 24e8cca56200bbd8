"""The pipeline editor: stage graph, forms from the catalogue, JSON tab, save, stage copy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.applications.selectors import application_list
from apps.cloudaccounts.selectors import cloud_account_list
from apps.console.catalog import catalog_json
from apps.console.decorators import json_action, json_body, team_page
from apps.console.jsstrings import editor_strings
from apps.core.errors import NotFound, ValidationFailed
from apps.pipelines import access as pipeline_access
from apps.pipelines import selectors as pipeline_selectors
from apps.pipelines import services as pipeline_services
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.configs import validated
from apps.teams import access as team_access
from apps.teams.models import Project, Team
from apps.users.selectors import request_user


def pipeline_in_team(
    request: HttpRequest, team: Team, pipeline_id: Any, perm: str = "view"
) -> Pipeline:
    pipeline = pipeline_access.access_pipeline_by_id(request.user, pipeline_id, perm)
    if pipeline.application.team_id != team.pk:
        raise NotFound(f"Pipeline {pipeline_id!s} not found.")
    return pipeline


def disable_projects(user: Any, pipeline: Pipeline) -> list[dict[str, Any]]:
    """The application's projects with whether the user may disable the pipeline in each."""
    disabled = set(pipeline.disabled_project_ids or [])
    return [
        {
            "project": project,
            "allowed": team_access.has_project_perm(user, project, "disable_pipelines_in_project"),
            "disabled": project.pk in disabled,
        }
        for project in pipeline.application.projects.select_related("team").order_by("slug")
        if team_access.has_project_perm(user, project, "view_project")
    ]


def lock_state(pipeline: Pipeline) -> dict[str, Any] | None:
    if not pipeline.is_locked:
        return None
    record = (
        pipeline_selectors.revision_list(pipeline=pipeline)
        .filter(change_source=ChangeSource.LOCK)
        .first()
    )
    lock = pipeline.lock or {}
    return {
        "description": lock.get("description") or "",
        "allow_unlock_ui": bool(lock.get("allowUnlockUi")),
        "allow_api_updates": pipeline.lock_allows_api_updates,
        "by": (record.history_user.label if record and record.history_user else None)
        or (record.last_modified_by if record else ""),
        "at": record.history_date if record else None,
    }


def pipeline_permissions(user: Any, pipeline: Pipeline) -> dict[str, Any]:
    team = pipeline.application.team
    can_lock = team_access.has_team_perm(user, team, "lock_pipelines")
    return {
        "can_manage": team_access.has_team_perm(user, team, "manage_pipelines"),
        "can_lock": can_lock,
        "can_disable_team": team_access.has_team_perm(user, team, "disable_pipelines"),
        "can_run": team_access.has_team_perm(user, team, "operate_executions"),
        "can_unlock": can_lock
        and pipeline.is_locked
        and bool((pipeline.lock or {}).get("allowUnlockUi")),
    }


def disabled_project_names(pipeline: Pipeline) -> list[str]:
    ids = pipeline.disabled_project_ids or []
    if not ids:
        return []
    return list(Project.objects.filter(pk__in=ids).order_by("slug").values_list("name", flat=True))


@team_page
def pipeline_editor(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    pipeline = pipeline_in_team(request, team, pipeline_id)
    permissions = pipeline_permissions(request.user, pipeline)
    lock = lock_state(pipeline)
    read_only_reason = ""
    if not permissions["can_manage"]:
        read_only_reason = _(
            "You may read this pipeline but not change it (you need the team's "
            "“manage pipelines” permission)."
        )
    elif lock is not None:
        read_only_reason = _("The pipeline is locked: it cannot be changed from the console.")
    accounts: dict[str, list[str]] = {"kubernetes": [], "tencent": []}
    for provider, name in cloud_account_list(team=team).values_list("provider", "name"):
        accounts.setdefault(provider, []).append(name)
    version = catalog_json()[1]
    base = {"team": team.slug, "pipeline_id": pipeline.pk}
    config = {
        "pipelineId": str(pipeline.pk),
        "documentUrl": reverse("console:pipeline-document", kwargs=base),
        "validateUrl": reverse("console:pipeline-validate", kwargs=base),
        "copyUrl": reverse("console:pipeline-stages-copy", kwargs=base),
        "diffUrl": reverse("console:revision-diff", kwargs=base),
        "searchUrl": reverse("console:pipeline-search", kwargs={"team": team.slug}),
        "documentUrlTemplate": reverse(
            "console:pipeline-document",
            kwargs={"team": team.slug, "pipeline_id": "00000000-0000-0000-0000-000000000000"},
        ),
        "catalogUrl": reverse("console:catalog", kwargs={"team": team.slug}) + f"?v={version}",
        "readOnly": bool(read_only_reason),
        "readOnlyReason": read_only_reason,
        "accounts": accounts,
        "applications": list(
            application_list(user=request_user(request), team=team).values_list("name", flat=True)
        ),
    }
    return render(
        request,
        "console/editor.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "pipelines",
            "application": pipeline.application,
            "pipeline": pipeline,
            "document": pipeline_selectors.pipeline_document(pipeline),
            "editor_config": config,
            "strings": editor_strings(),
            "lock": lock,
            "perms": permissions,
            "read_only_reason": read_only_reason,
            "disabled_in": disabled_project_names(pipeline),
            "projects": disable_projects(request.user, pipeline),
        },
    )


@json_action
def pipeline_document(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    """GET: the JSON of any readable pipeline of the team. POST: save (the console's PUT)."""
    if request.method != "POST":
        pipeline = pipeline_in_team(request, team, pipeline_id)
        return JsonResponse({"document": pipeline_selectors.pipeline_document(pipeline)})
    pipeline = pipeline_in_team(request, team, pipeline_id, "manage_pipelines")
    body = json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("document"), dict):
        raise ValidationFailed(
            [{"pointer": "/", "message": _("A pipeline must be a JSON object.")}]
        )
    updated = pipeline_services.pipeline_update(
        pipeline=pipeline,
        document=body["document"],
        actor=request_user(request),
        source=ChangeSource.CONSOLE,
        note=str(body.get("note") or "")[:2000],
    )
    return JsonResponse({"document": pipeline_selectors.pipeline_document(updated)})


@json_action
@require_POST
def pipeline_validate(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    """Checks a document as a save would, without saving: errors (400) or warnings."""
    pipeline_in_team(request, team, pipeline_id)
    body = json_body(request)
    document = body.get("document") if isinstance(body, dict) else None
    if not isinstance(document, dict):
        raise ValidationFailed(
            [{"pointer": "/", "message": _("A pipeline must be a JSON object.")}]
        )
    report = validated(document)
    return JsonResponse({"ok": True, "warnings": report.warning_list()})


@json_action
@require_POST
def pipeline_stages_copy(request: HttpRequest, team: Team, pipeline_id: Any) -> HttpResponse:
    """Body `{from, refIds, after, revision, updateTs}`: appends copies (a new revision)."""
    pipeline = pipeline_in_team(request, team, pipeline_id, "manage_pipelines")
    body = json_body(request)
    if not isinstance(body, dict):
        raise ValidationFailed([{"pointer": "/", "message": _("Send a JSON object.")}])
    origin = pipeline_in_team(request, team, body.get("from"))
    ref_ids = [str(each) for each in body.get("refIds") or []]
    if not ref_ids:
        raise ValidationFailed([{"pointer": "/refIds", "message": _("Tick at least one stage.")}])
    updated = pipeline_services.pipeline_stages_copy(
        pipeline=pipeline,
        from_pipeline=origin,
        ref_ids=ref_ids,
        after=[str(each) for each in body.get("after") or []],
        actor=request_user(request),
        source=ChangeSource.CONSOLE,
        if_match=f'"{body.get("revision")}-{body.get("updateTs")}"',
    )
    return JsonResponse({"document": pipeline_selectors.pipeline_document(updated)})


@team_page
def catalog(request: HttpRequest, team: Team) -> HttpResponse:
    text, version = catalog_json()
    response = HttpResponse(text, content_type="application/json")
    if request.GET.get("v") == version:
        patch_cache_control(response, private=True, max_age=86400, immutable=True)
    return response
