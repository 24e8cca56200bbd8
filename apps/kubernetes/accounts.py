"""A team's Kubernetes accounts: the engine's connection resolver and the view's listing."""

from __future__ import annotations

from apps.cloudaccounts.connections import KubernetesConnection, kubernetes_connection
from apps.cloudaccounts.models import CloudAccount
from apps.cloudaccounts.selectors import cloud_account_list
from apps.core.errors import NotFound
from apps.teams.models import Team
from engine.model import Execution

PROVIDER = "kubernetes"


class AccountNotFound(NotFound):
    default_message = "Kubernetes account not found."


def kubernetes_accounts(*, team: Team) -> list[CloudAccount]:
    return list(cloud_account_list(team=team, provider=PROVIDER).order_by("name"))


def kubernetes_account(*, team: Team, name: str) -> CloudAccount:
    account = cloud_account_list(team=team, provider=PROVIDER).filter(name=name).first()
    if account is None:
        raise AccountNotFound(f"Kubernetes account {name!r} not found in team {team.slug!r}.")
    return account


def engine_connection(execution: Execution, account_name: str) -> KubernetesConnection:
    """The engine's resolver: the account of the execution's team (never another team's)."""
    team = Team.objects.filter(slug=execution.team or "").first()
    if team is None:
        raise AccountNotFound(f"Execution {execution.id} has no team to find {account_name!r} in.")
    return kubernetes_connection(kubernetes_account(team=team, name=account_name))
