"""Reads for executions: Spinnaker-shaped documents, lists without stage bodies, expressions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.errors import NotFound, ValidationFailed
from apps.executions.adapters.repository import DjangoExecutionRepository
from apps.executions.models import Execution, ExecutionAudit, ReleaseOrder
from apps.executions.registry import pipeline_expressions
from apps.teams.models import Project
from engine.artifacts import execution_artifacts
from engine.expressions import is_expression
from engine.model import Execution as EngineExecution
from engine.model import Stage

LIST_FIELDS = (
    "id",
    "name",
    "pipeline_config_id",
    "status",
    "trigger_type",
    "build_time",
    "start_time",
    "end_time",
    "canceled",
    "application_id",
    "started_by_id",
    "parent_execution_id",
)


def execution_engine_view(execution: Execution) -> EngineExecution:
    return DjangoExecutionRepository().retrieve(execution.pk)


def execution_document(execution: Execution) -> dict[str, Any]:
    """The execution JSON as Spinnaker's Gate returns it (plus the team and release order)."""
    document = execution_engine_view(execution).to_dict()
    release_order = getattr(execution, "release_order", None)
    document["releaseOrderId"] = release_order.pk if release_order is not None else None
    return document


def execution_stage(execution: Execution, stage_id: str) -> Stage:
    stage = execution_engine_view(execution).stage(stage_id)
    if stage is None:
        raise NotFound(f"Stage {stage_id!r} not found in execution {execution.pk}.")
    return stage


def execution_list(
    *,
    executions: QuerySet[Execution],
    statuses: list[str] | None = None,
    trigger_types: list[str] | None = None,
    pipeline_config_id: str | None = None,
) -> QuerySet[Execution]:
    if pipeline_config_id:
        executions = executions.filter(pipeline_config_id=pipeline_config_id)
    if statuses:
        executions = executions.filter(status__in=statuses)
    if trigger_types:
        executions = executions.filter(trigger_type__in=trigger_types)
    return executions.select_related("started_by", "application").only(
        *LIST_FIELDS, "application__name", "started_by__username", "header"
    )


def execution_audit(execution: Execution) -> QuerySet[ExecutionAudit]:
    return ExecutionAudit.objects.filter(execution=execution)


def execution_evaluate(
    execution: Execution, *, expression: str, stage_id: str | None = None
) -> dict[str, Any]:
    """The expression tester: `${...}` text or a bare expression, against this run."""
    engine_execution = execution_engine_view(execution)
    stage = engine_execution.stage(stage_id) if stage_id else None
    if stage_id and stage is None:
        raise ValidationFailed([{"pointer": "/stageId", "message": f"No stage {stage_id!r}."}])
    processor = pipeline_expressions()
    text = (
        expression if is_expression(expression) or "${" in expression else "${" + expression + "}"
    )
    result = processor.process(text, execution=engine_execution, stage=stage)
    return {
        "expression": expression,
        "result": result.value,
        "detail": dict(result.summary) or None,
    }


def release_order_list(*, project: Project) -> QuerySet[ReleaseOrder]:
    return ReleaseOrder.objects.filter(project=project).select_related(
        "project",
        "application",
        "created_by",
        "execution",
        "execution__application",
        "execution__started_by",
    )


def execution_prior_artifacts(pipeline_id: str) -> list[dict[str, Any]]:
    """Artifacts of the pipeline's last run: what it bound at start, then all it emitted."""
    execution = DjangoExecutionRepository().retrieve_latest_for_pipeline(pipeline_id)
    if execution is None:
        return []
    found: list[dict[str, Any]] = []
    bound = [
        dict(each["boundArtifact"])
        for each in execution.trigger.get("resolvedExpectedArtifacts") or []
        if isinstance(each, dict) and isinstance(each.get("boundArtifact"), dict)
    ]
    for artifact in [*bound, *execution_artifacts(execution)]:
        if artifact not in found:
            found.append(artifact)
    return found
