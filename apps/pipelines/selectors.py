"""Reads of pipelines: lists, documents, runnability, what refuses a start, revisions and diffs."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from apps.applications.models import Application
from apps.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from apps.executions.registry import is_runnable_stage_type
from apps.pipelines.diffing import comparable, structured_diff, text_diff
from apps.pipelines.documents import PLATFORM_KEY, canonical, render
from apps.pipelines.models import Pipeline
from apps.pipelines.services.locking import lock_details
from apps.teams.models import Project, Team
from engine.catalog import CATALOG

TEMPLATED_REASON = (
    "Pipelines built from managed pipeline templates (templatedPipeline) are kept but not run "
    "on this platform."
)
LIST_FIELDS: tuple[str, ...] = (
    "id",
    "application",
    "name",
    "index",
    "disabled",
    "disabled_project_ids",
    "lock",
    "lock_allows_api_updates",
    "revision",
    "last_modified_by",
    "updated_at",
    "update_ts",
    "created_at",
    "deleted_at",
    "stage_types",
)


# ---------------------------------------------------------------- lists and lookups


def pipeline_list(
    *, application: Application, deleted: bool = False, search: str = ""
) -> QuerySet[Pipeline]:
    """Live pipelines of the application (or the deleted ones), without their configs."""
    pipelines = Pipeline.objects.filter(application=application, deleted_at__isnull=not deleted)
    if search:
        pipelines = pipelines.filter(Q(name__icontains=search))
    return pipelines.only(*LIST_FIELDS)


def pipeline_choice_list(*, application: Application) -> QuerySet[Any]:
    """Live pipelines as pickers list them: rows of id, name and disabled, in list order."""
    return (
        pipeline_list(application=application)
        .order_by("index", "name")
        .values("id", "name", "disabled")
    )


def pipeline_list_rows(
    *, application: Application, deleted: bool = False, search: str = ""
) -> QuerySet[Any]:
    """The list as plain rows (dicts of LIST_FIELDS): lists are the hot path."""
    return pipeline_list(application=application, deleted=deleted, search=search).values(
        *LIST_FIELDS
    )


def pipeline_get(*, pipeline_id: Any, include_deleted: bool = False) -> Pipeline | None:
    """A pipeline by id without any access check (engine, triggers, parent pipelines)."""
    try:
        key = uuid.UUID(str(pipeline_id))
    except ValueError:
        return None
    pipelines = Pipeline.objects.select_related("application__team").filter(pk=key)
    if not include_deleted:
        pipelines = pipelines.filter(deleted_at__isnull=True)
    return pipelines.first()


def pipeline_get_by_name(*, application: Application, name: str) -> Pipeline | None:
    """The live pipeline named `name` in the application (`#pipelineId(name)`)."""
    return (
        Pipeline.objects.select_related("application__team")
        .filter(application=application, name=name, deleted_at__isnull=True)
        .first()
    )


def pipeline_id_for_name(*, team: Team, application: str, name: str) -> str | None:
    """The id of the live pipeline `name` of `application` in `team` (`#pipelineId(name)`)."""
    found = (
        Pipeline.objects.filter(
            application__team=team,
            application__name=application,
            name=name,
            deleted_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return str(found) if found is not None else None


# ---------------------------------------------------------------- runnability and starts


def _stage_type_reasons(entry: dict[str, Any]) -> list[str]:
    if entry.get("pipeline"):
        return [TEMPLATED_REASON]
    name = entry.get("type", "")
    where = f"/stages/{entry.get('at', 0)}"
    stage_type = CATALOG.stage_type(name)
    if stage_type is None:
        return [f"Stage type {name!r} ({where}) is not supported on this platform."]
    reasons = [
        f"Cloud provider {provider!r} of stage type {name!r} ({where}) is not supported."
        for provider in entry.get("providers") or []
        if stage_type.cloud_provider is not None and provider.lower() != stage_type.cloud_provider
    ]
    if not is_runnable_stage_type(stage_type.type):
        reasons.append(f"Stage type {name!r} ({where}) cannot run on this installation yet.")
    return reasons


def stage_types_runnable(
    stage_types: list[dict[str, Any]] | None, memo: dict[str, list[str]] | None = None
) -> tuple[bool, list[str]]:
    """Runnability from a pipeline's stage-type summary; `memo` is shared across a page."""
    cache = {} if memo is None else memo
    reasons: list[str] = []
    for entry in stage_types or []:
        key = canonical(entry)
        if key not in cache:
            cache[key] = _stage_type_reasons(entry)
        reasons.extend(cache[key])
    return not reasons, reasons


def pipeline_runnable(pipeline: Pipeline) -> tuple[bool, list[str]]:
    """Whether every stage type can run today, computed now (it flips as stage types land)."""
    return stage_types_runnable(pipeline.stage_types)


def pipeline_disabled_scope(pipeline: Pipeline, project: Project | None = None) -> str | None:
    """Why a start is refused by disabling (None: not disabled for this start).

    Team-wide disabling refuses every start; project disabling refuses release orders from
    that project only (pass the release order's project).
    """
    if pipeline.disabled:
        return f"Pipeline {pipeline.name!r} is disabled for the whole team."
    if project is not None and project.pk in (pipeline.disabled_project_ids or []):
        return f"Pipeline {pipeline.name!r} is disabled in project {project.slug!r}."
    return None


def pipeline_get_for_start(*, pipeline_id: Any, project: Project | None = None) -> Pipeline:
    """The pipeline to start: NotFound if missing or deleted, 409 if disabled or not runnable.

    Access is the caller's check (who may start is the executions app's rule).
    """
    pipeline = pipeline_get(pipeline_id=pipeline_id)
    if pipeline is None:
        raise NotFound(f"Pipeline {pipeline_id!s} not found.")
    disabled = pipeline_disabled_scope(pipeline, project)
    if disabled is not None:
        raise Conflict(disabled, code=ErrorCode.DISABLED)
    runnable, reasons = pipeline_runnable(pipeline)
    if not runnable:
        raise Conflict(
            f"Pipeline {pipeline.name!r} cannot run: " + " ".join(reasons),
            code=ErrorCode.NOT_RUNNABLE,
            details={"reasons": reasons},
        )
    return pipeline


def pipeline_config_for_run(pipeline: Pipeline) -> dict[str, Any]:
    """The Spinnaker JSON the engine runs (server-owned keys included, platform block not)."""
    return render(pipeline, application_name=pipeline.application.name)


# ---------------------------------------------------------------- documents


def _project_slugs(pipeline: Pipeline) -> list[str]:
    ids = pipeline.disabled_project_ids or []
    if not ids:
        return []
    return sorted(Project.objects.filter(pk__in=ids).values_list("slug", flat=True))


def platform_state(pipeline: Pipeline) -> dict[str, Any]:
    """What the platform adds next to the Spinnaker keys (under `cdplatform`)."""
    runnable, reasons = pipeline_runnable(pipeline)
    state: dict[str, Any] = {
        "team": pipeline.application.team.slug,
        "revision": pipeline.revision,
        "changeSource": pipeline.change_source,
        "updatedAt": pipeline.updated_at.isoformat(),
        "runnable": runnable,
        "notRunnableReasons": reasons,
        "disabledInProjects": _project_slugs(pipeline),
        "lock": lock_details(pipeline) if pipeline.is_locked else None,
        "warnings": list(pipeline.warnings or []),
    }
    if pipeline.is_deleted:
        state["deletedAt"] = pipeline.deleted_at.isoformat()  # type: ignore[union-attr]
    return state


def pipeline_document(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline JSON as the API returns it: Spinnaker keys plus the `cdplatform` block."""
    document = render(pipeline, application_name=pipeline.application.name)
    document[PLATFORM_KEY] = platform_state(pipeline)
    return document


def pipeline_export(pipeline: Pipeline) -> dict[str, Any]:
    """The Spinnaker JSON written by `pipeline_export` (no platform block)."""
    return render(pipeline, application_name=pipeline.application.name)


# ---------------------------------------------------------------- revisions


def revision_list(*, pipeline: Pipeline) -> QuerySet[Any]:
    return (
        Pipeline.history.filter(id=pipeline.pk)
        .select_related("history_user")
        .defer("config")
        .order_by("-revision")
    )


def revision_get(*, pipeline: Pipeline, revision: int) -> Any:
    record = Pipeline.history.filter(id=pipeline.pk, revision=revision).first()
    if record is None:
        raise NotFound(f"Revision {revision} of this pipeline not found.")
    return record


def revision_document(*, pipeline: Pipeline, record: Any) -> dict[str, Any]:
    return render(record, application_name=pipeline.application.name)


def _side(pipeline: Pipeline, which: str, pointer: str) -> tuple[str, dict[str, Any]]:
    if which == "current":
        return "current", render(pipeline, application_name=pipeline.application.name)
    if not which.isdigit():
        raise ValidationFailed(
            [{"pointer": pointer, "message": "Use a revision number or 'current'."}]
        )
    record = revision_get(pipeline=pipeline, revision=int(which))
    return f"revision {record.revision}", revision_document(pipeline=pipeline, record=record)


def revision_diff(*, pipeline: Pipeline, from_revision: str, to_revision: str) -> dict[str, Any]:
    """Structured ops and a unified diff of the pretty-printed JSON (updateTs left out)."""
    from_label, old = _side(pipeline, from_revision, "/from")
    to_label, new = _side(pipeline, to_revision, "/to")
    old, new = comparable(old), comparable(new)
    return {
        "from": from_revision,
        "to": to_revision,
        "operations": structured_diff(old, new),
        "text": text_diff(old, new, from_label=from_label, to_label=to_label),
    }
