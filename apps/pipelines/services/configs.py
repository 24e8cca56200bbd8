"""Writes of pipeline configs: create (JSON, template, copy), update, patch, delete, reorder."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.applications.models import Application
from apps.core.errors import Conflict, ValidationFailed
from apps.pipelines import templates
from apps.pipelines.documents import merge_patch, render, stage_type_summary, stored_config
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.locking import ensure_editable
from apps.pipelines.services.saving import check_fresh, locked_row, save_revision, state_of
from apps.pipelines.validation import Report, check_config
from engine.catalog import Problem


def _warning(pointer: str, message: str, code: str) -> dict[str, str]:
    return {"pointer": pointer, "message": message, "code": code}


def validated(document: Mapping[str, Any], *, message: str | None = None) -> Report:
    """The normalised, checked config of a document; ValidationFailed (400) on any error."""
    if not isinstance(document, Mapping):
        raise ValidationFailed([{"pointer": "/", "message": "A pipeline must be a JSON object."}])
    to_check = stored_config(document)
    if "name" in document:
        to_check["name"] = document["name"]
    report = check_config(to_check)
    name = report.config.get("name") if isinstance(report.config, dict) else None
    if name is not None and not isinstance(name, str):
        report.errors.insert(0, Problem("/name", "The name must be text.", code="type"))
    if not report.ok:
        raise ValidationFailed(report.error_list(), message=message, warnings=report.warning_list())
    return report


def _ensure_name_free(application: Application, name: str, *, exclude: Any = None) -> None:
    taken = Pipeline.objects.filter(application=application, name=name, deleted_at__isnull=True)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict(
            f"A pipeline named {name!r} already exists in application {application.name!r}.",
            details={"errors": [{"pointer": "/name", "message": "This name is taken."}]},
        )


def _next_index(application: Application) -> int:
    highest = Pipeline.objects.filter(application=application, deleted_at__isnull=True).aggregate(
        highest=Max("index")
    )["highest"]
    return 0 if highest is None else highest + 1


def _requested_id(document: Mapping[str, Any]) -> uuid.UUID:
    """Keeps a pipeline's own id on import (pipeline stages and triggers refer to it)."""
    try:
        wanted = uuid.UUID(str(document.get("id")))
    except ValueError:
        return uuid.uuid4()
    return uuid.uuid4() if Pipeline.objects.filter(pk=wanted).exists() else wanted


def _apply(pipeline: Pipeline, report: Report, extra_warnings: Sequence[dict[str, str]]) -> None:
    config = dict(report.config)
    pipeline.name = config.pop("name")
    pipeline.config = config
    pipeline.stage_types = stage_type_summary(config)
    pipeline.warnings = [*extra_warnings, *report.warning_list()]


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def lock_from(value: Any) -> dict[str, Any] | None:
    """Spinnaker's `locked` object as stored (None: not locked)."""
    if not isinstance(value, Mapping) or not as_bool(value.get("ui", True)):
        return None
    return {
        "ui": True,
        "allowUnlockUi": bool(as_bool(value.get("allowUnlockUi", True))),
        "description": str(value.get("description") or ""),
    }


def _state_from_document(
    pipeline: Pipeline, document: Mapping[str, Any], *, trusted: bool
) -> list[dict[str, str]]:
    """On create: `disabled`/`locked` from the body apply only for trusted callers (import)."""
    ignored: list[dict[str, str]] = []
    disabled = as_bool(document.get("disabled"))
    lock = lock_from(document.get("locked"))
    if trusted:
        pipeline.disabled = bool(disabled)
        pipeline.lock = lock
        return ignored
    if disabled:
        ignored.append(
            _warning(
                "/disabled", "Ignored: disable the pipeline with its disable action.", "ignored"
            )
        )
    if lock is not None:
        ignored.append(
            _warning("/locked", "Ignored: lock the pipeline with its lock action.", "ignored")
        )
    return ignored


def _create(
    *,
    application: Application,
    document: Mapping[str, Any],
    actor: Any,
    kind: str,
    note: str = "",
    trusted: bool = False,
    extra_warnings: Sequence[dict[str, str]] = (),
) -> Pipeline:
    report = validated(document)
    warnings = list(extra_warnings)
    sent_application = document.get("application")
    if isinstance(sent_application, str) and sent_application not in ("", application.name):
        warnings.append(
            _warning(
                "/application",
                f"The pipeline belonged to application {sent_application!r}; it now belongs to "
                f"{application.name!r}.",
                "application_replaced",
            )
        )
    pipeline = Pipeline(
        id=_requested_id(document), application=application, index=_next_index(application)
    )
    warnings.extend(_state_from_document(pipeline, document, trusted=trusted))
    _apply(pipeline, report, warnings)
    _ensure_name_free(application, pipeline.name)
    pipeline.created_at = timezone.now()
    return save_revision(pipeline, actor=actor, kind=kind, note=note, now=pipeline.created_at)


@transaction.atomic
def pipeline_create(
    *,
    application: Application,
    document: Any,
    actor: Any,
    source: str = ChangeSource.API,
    note: str = "",
    trusted: bool = False,
) -> Pipeline:
    """Creates a pipeline from full Spinnaker JSON (its `id` is kept if free, `index` appended).

    `trusted` (the import command) also applies `disabled` and `locked` from the document.
    """
    return _create(
        application=application,
        document=document,
        actor=actor,
        kind=source,
        note=note,
        trusted=trusted,
    )


@transaction.atomic
def pipeline_create_from_template(
    *,
    application: Application,
    name: str,
    template: str,
    actor: Any,
    source: str = ChangeSource.API,
    note: str = "",
) -> Pipeline:
    try:
        document = templates.build(template, application=application.name, name=name)
    except KeyError:
        known = ", ".join(sorted(templates.TEMPLATES))
        raise ValidationFailed(
            [{"pointer": "/template", "message": f"Unknown template; use one of {known}."}]
        ) from None
    return _create(application=application, document=document, actor=actor, kind=source, note=note)


@transaction.atomic
def pipeline_copy(
    *,
    application: Application,
    source_pipeline: Pipeline,
    name: str,
    actor: Any,
    note: str = "",
) -> Pipeline:
    """A copy of another pipeline; its triggers are kept but disabled (listed in warnings)."""
    document = copy.deepcopy(source_pipeline.config)
    document["name"] = name
    warnings = []
    triggers = document.get("triggers")
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        if not isinstance(trigger, dict):
            continue
        trigger.pop("id", None)  # a fresh id, so webhooks and schedules stay apart
        if trigger.get("enabled", True) not in (False, "false"):
            trigger["enabled"] = False
            warnings.append(
                _warning(
                    f"/triggers/{index}",
                    f"The copied {trigger.get('type', '')!s} trigger is disabled; enable it "
                    "when the copy is ready to be triggered.",
                    "trigger_disabled",
                )
            )
    return _create(
        application=application,
        document=document,
        actor=actor,
        kind=ChangeSource.COPY,
        note=note or f"Copied from {source_pipeline.name!r} ({source_pipeline.pk}).",
        extra_warnings=warnings,
    )


def _ensure_same_identity(current: Pipeline, document: Mapping[str, Any]) -> None:
    errors = []
    sent_id = document.get("id")
    if sent_id is not None and str(sent_id) != str(current.pk):
        errors.append({"pointer": "/id", "message": "The id does not match this pipeline."})
    sent_application = document.get("application")
    if sent_application is not None and sent_application != current.application.name:
        errors.append(
            {
                "pointer": "/application",
                "message": "A pipeline cannot move to another application; copy it instead.",
            }
        )
    if errors:
        raise ValidationFailed(errors)


def _ensure_same_state(current: Pipeline, statements: Mapping[str, Any]) -> None:
    """`disabled` / `locked` change only through their own actions (with their permissions)."""
    errors = []
    if "disabled" in statements:
        sent = as_bool(statements["disabled"]) if statements["disabled"] is not None else False
        if sent is not current.disabled:
            errors.append(
                {
                    "pointer": "/disabled",
                    "message": "Use the pipeline's disable or enable action to change this.",
                }
            )
    if "locked" in statements and lock_from(statements["locked"]) != (current.lock or None):
        errors.append(
            {
                "pointer": "/locked",
                "message": "Use the pipeline's lock or unlock action to change this.",
            }
        )
    if errors:
        raise ValidationFailed(errors)


def store_document(
    current: Pipeline,
    document: Mapping[str, Any],
    *,
    actor: Any,
    kind: str,
    note: str,
    extra_warnings: Sequence[dict[str, str]] = (),
    message: str | None = None,
) -> Pipeline:
    if "name" not in document:
        document = {**document, "name": current.name}
    report = validated(document, message=message)
    before = state_of(current)
    _apply(current, report, extra_warnings)
    if state_of(current) == before:
        # An identical save: no empty revision, but the warnings reflect today's catalogue.
        Pipeline.objects.filter(pk=current.pk).update(
            warnings=current.warnings, stage_types=current.stage_types
        )
        return current
    _ensure_name_free(current.application, current.name, exclude=current.pk)
    return save_revision(current, actor=actor, kind=kind, note=note)


@transaction.atomic
def pipeline_update(
    *,
    pipeline: Pipeline,
    document: Any,
    actor: Any,
    source: str = ChangeSource.API,
    if_match: str | None = None,
    note: str = "",
) -> Pipeline:
    """Replaces the config with `document` (PUT); a stale `updateTs` or ETag is a 409."""
    if not isinstance(document, Mapping):
        raise ValidationFailed([{"pointer": "/", "message": "A pipeline must be a JSON object."}])
    current = locked_row(pipeline)
    check_fresh(current, if_match=if_match, update_ts=document.get("updateTs"))
    ensure_editable(current, source=source)
    _ensure_same_identity(current, document)
    _ensure_same_state(current, document)
    return store_document(current, document, actor=actor, kind=source, note=note)


@transaction.atomic
def pipeline_patch(
    *,
    pipeline: Pipeline,
    patch: Any,
    actor: Any,
    source: str = ChangeSource.API,
    if_match: str | None = None,
    note: str = "",
) -> Pipeline:
    """Applies an RFC 7386 merge patch to the current JSON document."""
    if not isinstance(patch, Mapping):
        raise ValidationFailed(
            [{"pointer": "/", "message": "A merge patch must be a JSON object."}]
        )
    current = locked_row(pipeline)
    check_fresh(current, if_match=if_match, update_ts=patch.get("updateTs"))
    ensure_editable(current, source=source)
    _ensure_same_identity(current, patch)
    _ensure_same_state(current, patch)
    document = merge_patch(render(current, application_name=current.application.name), patch)
    return store_document(current, document, actor=actor, kind=source, note=note)


@transaction.atomic
def pipeline_delete(
    *,
    pipeline: Pipeline,
    actor: Any,
    source: str = ChangeSource.API,
    if_match: str | None = None,
    note: str = "",
) -> Pipeline:
    """Soft delete: gone from lists and runs; revisions stay; undelete until purged."""
    current = locked_row(pipeline)
    check_fresh(current, if_match=if_match)
    ensure_editable(current, source=source)
    current.deleted_at = timezone.now()
    return save_revision(
        current, actor=actor, kind=ChangeSource.DELETE, note=note, now=current.deleted_at
    )


@transaction.atomic
def pipeline_undelete(
    *, pipeline: Pipeline, actor: Any, source: str = ChangeSource.API, note: str = ""
) -> Pipeline:
    current = locked_row(pipeline, allow_deleted=True)
    if not current.is_deleted:
        return current
    ensure_editable(current, source=source)
    _ensure_name_free(current.application, current.name)
    current.deleted_at = None
    current.index = _next_index(current.application)
    return save_revision(current, actor=actor, kind=ChangeSource.UNDELETE, note=note)


@transaction.atomic
def pipeline_reorder(*, application: Application, ids_to_indices: Mapping[str, int]) -> int:
    """Sets the list position of each named pipeline (Front50's idsToIndices); no revision."""
    pipelines = {
        str(pk): pk
        for pk in Pipeline.objects.filter(
            application=application,
            deleted_at__isnull=True,
            pk__in=[key for key in ids_to_indices if _is_uuid(key)],
        ).values_list("pk", flat=True)
    }
    missing = [
        {"pointer": f"/idsToIndices/{key}", "message": "No such pipeline in this application."}
        for key in ids_to_indices
        if key not in pipelines
    ]
    if missing:
        raise ValidationFailed(missing)
    rows = [Pipeline(pk=pipelines[key], index=index) for key, index in ids_to_indices.items()]
    Pipeline.objects.bulk_update(rows, ["index"], batch_size=500)
    return len(rows)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True


def _next_ref(taken: set[str]) -> str:
    numbers = [int(ref) for ref in taken if ref.isdigit()]
    candidate = max(numbers, default=0) + 1
    while str(candidate) in taken:
        candidate += 1
    return str(candidate)


def copied_stages(
    source_stages: Sequence[Any], ref_ids: Sequence[str], after: Sequence[str], taken: set[str]
) -> list[dict[str, Any]]:
    """Chosen stages copied with fresh refIds, linked among themselves, roots after `after`."""
    by_ref = {
        stage.get("refId"): stage
        for stage in source_stages
        if isinstance(stage, Mapping) and isinstance(stage.get("refId"), str)
    }
    errors = [
        {"pointer": f"/refIds/{index}", "message": f"The source pipeline has no stage {ref!r}."}
        for index, ref in enumerate(ref_ids)
        if ref not in by_ref
    ]
    errors += [
        {"pointer": f"/after/{index}", "message": f"This pipeline has no stage {ref!r}."}
        for index, ref in enumerate(after)
        if ref not in taken
    ]
    if errors:
        raise ValidationFailed(errors)
    chosen = list(dict.fromkeys(ref_ids))
    fresh: dict[str, str] = {}
    for ref in chosen:
        fresh[ref] = _next_ref(taken)
        taken.add(fresh[ref])
    copies = []
    for ref in chosen:
        stage = copy.deepcopy(dict(by_ref[ref]))
        requisites = stage.get("requisiteStageRefIds")
        inside = [
            fresh[requisite]
            for requisite in (requisites if isinstance(requisites, list) else [])
            if isinstance(requisite, str) and requisite in fresh
        ]
        stage["refId"] = fresh[ref]
        stage["requisiteStageRefIds"] = inside or list(dict.fromkeys(after))
        copies.append(stage)
    return copies


@transaction.atomic
def pipeline_stages_copy(
    *,
    pipeline: Pipeline,
    from_pipeline: Pipeline,
    ref_ids: Sequence[str],
    after: Sequence[str] = (),
    actor: Any,
    source: str = ChangeSource.API,
    if_match: str | None = None,
    note: str = "",
) -> Pipeline:
    """Appends copies of `from_pipeline`'s stages `ref_ids` to this pipeline (a revision)."""
    current = locked_row(pipeline)
    check_fresh(current, if_match=if_match)
    ensure_editable(current, source=source)
    origin = current if from_pipeline.pk == current.pk else from_pipeline
    stages = list(current.config.get("stages") or [])
    taken = {
        stage["refId"]
        for stage in stages
        if isinstance(stage, Mapping) and isinstance(stage.get("refId"), str)
    }
    stages += copied_stages(list(origin.config.get("stages") or []), ref_ids, after, taken)
    document = {**current.config, "name": current.name, "stages": stages}
    default_note = f"Copied {len(ref_ids)} stage(s) from {origin.name!r}."
    return store_document(
        current, document, actor=actor, kind=ChangeSource.COPY, note=note or default_note
    )


@transaction.atomic
def pipeline_purge_deleted(*, deleted_before: datetime) -> list[str]:
    """Removes pipelines deleted before the cut-off, with their revisions; returns their ids."""
    doomed = list(
        Pipeline.objects.filter(deleted_at__lt=deleted_before).values_list("pk", flat=True)
    )
    if not doomed:
        return []
    Pipeline.objects.filter(pk__in=doomed).delete()
    Pipeline.history.model.objects.filter(id__in=doomed).delete()
    return [str(pk) for pk in doomed]
