"""Tenant-scoped cloud-account lookups: every team member reads, managers write."""

from __future__ import annotations

from typing import Any

from apps.cloudaccounts.models import CloudAccount
from apps.core.errors import NotFound
from apps.teams import access as team_access
from apps.teams.models import Team


def access_cloud_account_by_name(
    user: Any, team: Team, name: str, perm: str = "view"
) -> CloudAccount:
    account = CloudAccount.objects.filter(team=team, name=name).first()
    if account is None or not team_access.has_team_perm(user, team, "view_team"):
        raise NotFound(f"Cloud account {name!r} not found.")
    if perm != "view":
        team_access.require_team_perm(
            user, team, "manage_cloudaccounts", f"{perm} cloud account {name!r}"
        )
    return account
