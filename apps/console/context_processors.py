"""Template context every console page needs: the user's teams for the team switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.teams.selectors import team_list


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/t/"):
        return {}
    return {"switcher_teams": list(team_list(user=user).values("slug", "name"))}
