"""The team's trigger settings (whether unsigned deliveries are accepted)."""

from __future__ import annotations

from django.utils import timezone

from apps.teams.models import Team
from apps.triggers.models import TeamTriggerSettings


def team_trigger_settings_get(*, team: Team) -> TeamTriggerSettings:
    found = TeamTriggerSettings.objects.filter(team=team).first()
    return found or TeamTriggerSettings(team=team)


def team_trigger_settings_update(*, team: Team, allow_unsigned: bool) -> TeamTriggerSettings:
    settings, _ = TeamTriggerSettings.objects.update_or_create(
        team=team, defaults={"allow_unsigned": allow_unsigned, "updated_at": timezone.now()}
    )
    return settings
