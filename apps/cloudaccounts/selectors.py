"""Reads for cloud accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.cloudaccounts.models import CloudAccount
from apps.teams.models import Team


def cloud_account_list(*, team: Team, provider: str = "") -> QuerySet[CloudAccount]:
    accounts = CloudAccount.objects.filter(team=team)
    if provider:
        accounts = accounts.filter(provider=provider)
    return accounts
