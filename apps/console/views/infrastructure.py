"""Infrastructure of an application: clusters, server groups and instances, with actions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.decorators import back, report, team_page
from apps.console.views.pipelines import application_for
from apps.console.workloads import workload_manifest
from apps.core.errors import PlatformError, ValidationFailed
from apps.kubernetes import selectors as kubernetes_selectors
from apps.kubernetes import services as kubernetes_services
from apps.teams import access as team_access
from apps.teams.models import Team
from apps.tencentcloud import selectors as tencent_selectors
from apps.tencentcloud import services as tencent_services

# Infrastructure writes are operations on running software (the APIs' rule too).
OPERATE = "operate"


def _read(read: Any, application: Any) -> tuple[dict[str, Any], str]:
    try:
        return read(application=application), ""
    except PlatformError as error:
        return {}, error.message


@team_page
def infrastructure(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application)
    where = {"team": team.slug, "application": app.name}
    if request.GET.get("manifest"):
        return _manifest_form(request, team, app)
    kubernetes, kubernetes_error = _read(kubernetes_selectors.application_clusters, app)
    tencent, tencent_error = _read(tencent_selectors.server_group_list, app)
    return render(
        request,
        "console/infrastructure.html",
        {
            "team": team,
            "nav": "applications",
            "app_nav": "infrastructure",
            "application": app,
            "kubernetes": kubernetes,
            "kubernetes_error": kubernetes_error,
            "tencent": tencent,
            "tencent_error": tencent_error,
            "can_operate": team_access.has_team_perm(request.user, team, "operate_executions"),
            "workload_url": reverse("console:workload-action", kwargs=where),
            "server_group_url": reverse("console:server-group-action", kwargs=where),
            "here": reverse("console:infrastructure", kwargs=where),
        },
    )


def _manifest_form(request: HttpRequest, team: Team, app: Any) -> HttpResponse:
    where = {key: request.GET.get(key, "") for key in ("account", "namespace", "kind", "name")}
    try:
        manifest = json.dumps(
            workload_manifest(application=app, **where), indent=2, ensure_ascii=False
        )
        error = ""
    except PlatformError as failure:
        manifest, error = "", failure.message
    return render(
        request,
        "console/_manifest_form.html",
        {
            "where": where,
            "manifest": manifest,
            "error": error,
            "action": reverse(
                "console:workload-action", kwargs={"team": team.slug, "application": app.name}
            ),
            "next": reverse(
                "console:infrastructure", kwargs={"team": team.slug, "application": app.name}
            ),
        },
    )


def _int(value: str, pointer: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            [{"pointer": pointer, "message": _("Enter a whole number.")}]
        ) from None


@team_page
@require_POST
def workload_action(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application, OPERATE)
    post = request.POST
    where: dict[str, Any] = {
        key: post.get(key, "") for key in ("account", "namespace", "kind", "name")
    }
    action = post.get("action", "")
    fallback = reverse(
        "console:infrastructure", kwargs={"team": team.slug, "application": app.name}
    )
    try:
        if action == "scale":
            kubernetes_services.workload_scale(
                application=app, replicas=_int(post.get("replicas", ""), "/replicas"), **where
            )
        elif action == "rollback":
            kubernetes_services.workload_rollback(application=app, **where)
        elif action == "edit":
            try:
                manifest = json.loads(post.get("manifest", ""))
            except json.JSONDecodeError as error:
                raise ValidationFailed(
                    [
                        {
                            "pointer": "/manifest",
                            "message": _("Not valid JSON: %(error)s") % {"error": error},
                        }
                    ]
                ) from None
            if not isinstance(manifest, dict):
                raise ValidationFailed(
                    [{"pointer": "/manifest", "message": _("A manifest is a JSON object.")}]
                )
            kubernetes_services.workload_edit(application=app, manifest=manifest, **where)
        elif action == "delete":
            if post.get("confirm_name") != where["name"]:
                raise ValidationFailed(
                    [{"pointer": "/name", "message": _("Type the name to delete it.")}]
                )
            kubernetes_services.workload_delete(application=app, **where)
        else:
            raise ValidationFailed([{"pointer": "/action", "message": _("Unknown action.")}])
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, _("%(kind)s %(name)s: done.") % where)
    return back(request, fallback)


@team_page
@require_POST
def server_group_action(request: HttpRequest, team: Team, application: str) -> HttpResponse:
    app = application_for(request, team, application, OPERATE)
    post = request.POST
    where: dict[str, Any] = {key: post.get(key, "") for key in ("account", "region", "name")}
    action = post.get("action", "")
    fallback = reverse(
        "console:infrastructure", kwargs={"team": team.slug, "application": app.name}
    )
    try:
        if action == "resize":
            capacity = {
                key: _int(post.get(key, ""), f"/capacity/{key}")
                for key in ("min", "max", "desired")
                if post.get(key, "") != ""
            }
            tencent_services.server_group_resize(
                application=app, data={"capacity": capacity}, **where
            )
        elif action == "enable":
            tencent_services.server_group_enable(application=app, **where)
        elif action == "disable":
            tencent_services.server_group_disable(application=app, **where)
        elif action == "rollback":
            tencent_services.server_group_rollback(application=app, data={}, **where)
        elif action == "destroy":
            if post.get("confirm_name") != where["name"]:
                raise ValidationFailed(
                    [{"pointer": "/name", "message": _("Type the name to delete it.")}]
                )
            tencent_services.server_group_destroy(application=app, **where)
        else:
            raise ValidationFailed([{"pointer": "/action", "message": _("Unknown action.")}])
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, _("Server group %(name)s: done.") % where)
    return back(request, fallback)
