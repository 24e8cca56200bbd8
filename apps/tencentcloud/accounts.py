"""A team's Tencent Cloud accounts: the engine's connection resolver and the view's listing."""

from __future__ import annotations

from apps.cloudaccounts.connections import TencentConnection, tencent_connection
from apps.cloudaccounts.models import CloudAccount
from apps.cloudaccounts.selectors import cloud_account_list
from apps.core.errors import NotFound
from apps.teams.models import Team
from engine.model import Execution

PROVIDER = "tencent"


class AccountNotFound(NotFound):
    default_message = "Tencent Cloud account not found."


def tencent_accounts(*, team: Team) -> list[CloudAccount]:
    return list(cloud_account_list(team=team, provider=PROVIDER).order_by("name"))


def tencent_account(*, team: Team, name: str) -> CloudAccount:
    account = cloud_account_list(team=team, provider=PROVIDER).filter(name=name).first()
    if account is None:
        raise AccountNotFound(f"Tencent Cloud account {name!r} not found in team {team.slug!r}.")
    return account


def engine_connection(execution: Execution, account_name: str) -> TencentConnection:
    """The engine's resolver: the account of the execution's team (never another team's)."""
    team = Team.objects.filter(slug=execution.team or "").first()
    if team is None:
        raise AccountNotFound(f"Execution {execution.id} has no team to find {account_name!r} in.")
    return tencent_connection(tencent_account(team=team, name=account_name))
