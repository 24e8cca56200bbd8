"""Who reads the delivery log and manages a pipeline's triggers (no existence leaks)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.applications.access import applications_for_user
from apps.core.errors import NotFound
from apps.pipelines.access import access_pipeline_by_id
from apps.teams import access as team_access
from apps.teams.models import Team
from apps.triggers.models import TriggerDelivery, TriggerIndex


def readable_application_ids(user: Any, team: Team) -> set[int] | None:
    """None: every application of the team (deployment managers); else the readable ones."""
    if team_access.has_team_perm(user, team, "view_all_applications"):
        return None
    return set(applications_for_user(user, team).values_list("id", flat=True))


def deliveries_for_user(user: Any, team: Team) -> QuerySet[TriggerDelivery]:
    """Managers read the whole log; others the deliveries that touched an app they read."""
    deliveries = TriggerDelivery.objects.filter(team=team)
    readable = readable_application_ids(user, team)
    if readable is None:
        return deliveries
    return deliveries.filter(outcomes__application_id__in=readable).distinct()


def access_delivery_by_id(user: Any, team: Team, delivery_id: str) -> TriggerDelivery:
    delivery = deliveries_for_user(user, team).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(f"Delivery {delivery_id!r} not found.")
    return delivery


def access_trigger_by_id(
    user: Any, pipeline_id: str, trigger_id: str, perm: str = "view"
) -> TriggerIndex:
    pipeline = access_pipeline_by_id(user, pipeline_id, perm)
    row = (
        TriggerIndex.objects.select_related("team", "pipeline__application")
        .filter(pipeline=pipeline, trigger_id=trigger_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Trigger {trigger_id!r} not found in this pipeline.")
    return row
