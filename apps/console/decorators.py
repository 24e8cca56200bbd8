"""How console views start: the team from the URL (checked), its time zone, JSON error bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import PlatformError, ValidationFailed
from apps.teams import access as team_access
from apps.teams.models import Team

View = Callable[..., HttpResponse]


def _zone(team: Team) -> ZoneInfo:
    try:
        return ZoneInfo(team.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def team_page(view: View) -> View:
    """Resolves `team` (NotFound unless readable) and shows times in the team's time zone."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, team: str, *args: Any, **kwargs: Any) -> HttpResponse:
        team_obj = team_access.access_team_by_slug(request.user, team)
        with timezone.override(_zone(team_obj)):
            return view(request, team_obj, *args, **kwargs)

    return wrapper


def error_body(error: PlatformError) -> dict[str, Any]:
    return error.as_body()


def json_action(view: View) -> View:
    """A team endpoint the page's scripts call: errors come back as the API's JSON bodies."""

    @wraps(view)
    def wrapper(request: HttpRequest, team: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"code": "not_authenticated", "message": _("Log in again."), "details": None},
                status=401,
            )
        try:
            team_obj = team_access.access_team_by_slug(request.user, team)
            with timezone.override(_zone(team_obj)):
                return view(request, team_obj, *args, **kwargs)
        except PlatformError as error:
            return JsonResponse(error_body(error), status=error.status_code)

    return wrapper


def json_body(request: HttpRequest) -> Any:
    """The request's JSON body; ValidationFailed (400) when it is not JSON."""
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationFailed(
            [{"pointer": "/", "message": _("The request body is not valid JSON.")}]
        ) from error


def back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Where a form post returns: its `next` field when it is a path on this site."""
    target = request.POST.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = fallback
    return HttpResponseRedirect(target)


def report(request: HttpRequest, error: PlatformError) -> None:
    """Shows a refused form post as a message on the page it returns to."""
    errors = getattr(error, "errors", None)
    if errors:
        for each in errors[:5]:
            pointer = each.get("pointer") or ""
            messages.error(request, f"{each.get('message')}" + (f" ({pointer})" if pointer else ""))
    else:
        messages.error(request, error.message)
