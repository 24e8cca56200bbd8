"""Writes for executions: launching runs and the user operations on them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.applications.models import Application
from apps.core.errors import ValidationFailed
from apps.executions import runtime
from apps.executions.models import Execution as ExecutionRow
from apps.executions.parameters import resolve_parameters
from apps.executions.selectors import execution_prior_artifacts
from apps.pipelines.documents import render
from apps.pipelines.selectors import pipeline_get_for_start
from apps.teams.models import Project
from apps.users.models import User
from engine.artifacts import ArtifactResolutionError, bind_start_artifacts
from engine.launcher import build_execution


@transaction.atomic
def execution_launch(
    *,
    application: Application,
    config: dict[str, Any],
    user: User | None,
    trigger: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    artifacts: list[dict[str, Any]] | None = None,
) -> ExecutionRow:
    """Builds a run of `config` and queues its start; returns the NOT_STARTED row."""
    trigger = dict(trigger or {})
    trigger.setdefault("type", "manual")
    trigger["parameters"] = resolve_parameters(config, parameters)
    if artifacts is not None:
        trigger["artifacts"] = artifacts
    if "resolvedExpectedArtifacts" not in trigger:  # a trigger's start has bound them already
        trigger["resolvedExpectedArtifacts"], trigger["artifacts"] = _bind_artifacts(
            config, trigger
        )
    username = user.username if user is not None else str(trigger.get("user") or "anonymous")
    execution = build_execution(
        config,
        trigger=trigger,
        application=application.name,
        user=username,
        time_zone=application.team.time_zone,
        clock=runtime.CLOCK,
        team=application.team.slug,
    )
    runtime.operations().start(execution=execution)
    if user is not None:
        ExecutionRow.objects.filter(pk=execution.id).update(started_by=user)
    return ExecutionRow.objects.get(pk=execution.id)


def _bind_artifacts(
    config: dict[str, Any], trigger: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pipeline_id = str(config.get("id") or "")
    try:
        return bind_start_artifacts(
            config=config,
            trigger=trigger,
            received=list(trigger.get("artifacts") or []),
            prior=lambda: execution_prior_artifacts(pipeline_id) if pipeline_id else [],
        )
    except ArtifactResolutionError as error:
        problem = {"pointer": "/expectedArtifacts", "message": str(error)}
        raise ValidationFailed([problem]) from error


def pipeline_start(
    *,
    pipeline_id: Any,
    user: User | None,
    trigger: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    artifacts: list[dict[str, Any]] | None = None,
    project: Project | None = None,
) -> ExecutionRow:
    """Starts a run of a stored pipeline (manual, API, release order, trigger).

    Refused with 404 for a missing or deleted pipeline and 409 (naming the scope or the
    reasons) when it is disabled for this start or cannot run here.
    """
    pipeline = pipeline_get_for_start(pipeline_id=pipeline_id, project=project)
    application = pipeline.application
    config = render(pipeline, application_name=application.name)
    return execution_launch(
        application=application,
        config=config,
        user=user,
        trigger=trigger,
        parameters=parameters,
        artifacts=artifacts,
    )
