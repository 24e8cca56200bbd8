"""Starting the pipeline of a matched trigger, and recording what happened as an outcome."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from apps.core.errors import PlatformError
from apps.executions.selectors import execution_prior_artifacts
from apps.executions.services.launch import pipeline_start
from apps.pipelines.documents import render
from apps.pipelines.selectors import pipeline_disabled_scope
from apps.teams import access as team_access
from apps.teams.selectors import team_role_of
from apps.triggers.matching import trigger_for_run
from apps.triggers.models import DeliveryOutcome, OutcomeResult, TriggerDelivery, TriggerIndex
from apps.users.models import User
from engine.artifacts import ArtifactResolutionError, bind_start_artifacts

logger = logging.getLogger(__name__)

ANONYMOUS = "[anonymous]"


def outcome_for(
    delivery: TriggerDelivery,
    row: TriggerIndex,
    result: str,
    reason: str = "",
    execution_id: str = "",
) -> DeliveryOutcome:
    return DeliveryOutcome.objects.create(
        delivery=delivery,
        pipeline_id=row.pipeline_id,
        application_id=row.application_id,
        pipeline_name=row.pipeline.name,
        trigger_id=row.trigger_id,
        trigger_type=row.type,
        result=result,
        reason=reason[:2000],
        execution_id=execution_id,
    )


def run_as(row: TriggerIndex) -> str:
    """`runAsUser` when it names an active member of the team (or of one of its projects)."""
    name = str(row.config.get("runAsUser") or "").strip()
    if not name:
        return ANONYMOUS
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        return ANONYMOUS
    team = row.team
    if team_role_of(user=user, team=team) or team_access.project_roles_of(user, team):
        return name
    return ANONYMOUS


def start_for_trigger(
    *,
    delivery: TriggerDelivery,
    row: TriggerIndex,
    fields: Mapping[str, Any],
    artifacts: Sequence[dict[str, Any]] = (),
    parameters: Mapping[str, Any] | None = None,
) -> DeliveryOutcome:
    """Binds artifacts and starts the pipeline; every refusal becomes the outcome's reason."""
    pipeline = row.pipeline
    disabled = pipeline_disabled_scope(pipeline)
    if disabled is not None or row.pipeline_disabled:
        return outcome_for(delivery, row, OutcomeResult.DISABLED, disabled or "disabled")
    config = render(pipeline, application_name=pipeline.application.name)
    try:
        resolved, run_artifacts = bind_start_artifacts(
            config=config,
            trigger=row.config,
            received=list(artifacts),
            prior=lambda: execution_prior_artifacts(str(pipeline.pk)),
        )
    except ArtifactResolutionError as error:
        return outcome_for(delivery, row, OutcomeResult.ARTIFACTS, str(error))
    trigger = {
        **trigger_for_run(row.config),
        **fields,
        "type": row.type,
        "user": run_as(row),
        "eventId": delivery.id,
        "resolvedExpectedArtifacts": resolved,
    }
    try:
        with transaction.atomic():
            execution = pipeline_start(
                pipeline_id=pipeline.pk,
                user=None,
                trigger=trigger,
                parameters=dict(parameters or {}),
                artifacts=run_artifacts,
            )
    except PlatformError as error:
        return outcome_for(delivery, row, OutcomeResult.REFUSED, error.message)
    except Exception:
        logger.exception("starting pipeline %s for delivery %s failed", pipeline.pk, delivery.id)
        return outcome_for(delivery, row, OutcomeResult.REFUSED, "internal error while starting")
    return outcome_for(delivery, row, OutcomeResult.STARTED, execution_id=str(execution.pk))
