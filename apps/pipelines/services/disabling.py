"""Disabling and enabling: for the whole team (Spinnaker's `disabled`) or in chosen projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.services.locking import ensure_editable
from apps.pipelines.services.saving import locked_row, save_revision, state_of
from apps.teams.models import Project

TEAM = "team"
PROJECTS = "projects"


def _change(
    pipeline: Pipeline,
    *,
    actor: Any,
    source: str,
    scope: str,
    projects: Sequence[Project],
    disable: bool,
    note: str,
) -> Pipeline:
    current = locked_row(pipeline)
    ensure_editable(current, source=source)
    before = state_of(current)
    if scope == TEAM:
        current.disabled = disable
    else:
        chosen = {project.pk for project in projects}
        existing = set(current.disabled_project_ids or [])
        current.disabled_project_ids = sorted(existing | chosen if disable else existing - chosen)
    if state_of(current) == before:
        return current
    kind = ChangeSource.DISABLE if disable else ChangeSource.ENABLE
    return save_revision(current, actor=actor, kind=kind, note=note)


@transaction.atomic
def pipeline_disable(
    *,
    pipeline: Pipeline,
    actor: Any,
    source: str,
    scope: str,
    projects: Sequence[Project] = (),
    note: str = "",
) -> Pipeline:
    """Disables for the team, or only for release orders from `projects`.

    The caller checks the scope's permission (`access.require_disable_permission`).
    """
    return _change(
        pipeline,
        actor=actor,
        source=source,
        scope=scope,
        projects=projects,
        disable=True,
        note=note,
    )


@transaction.atomic
def pipeline_enable(
    *,
    pipeline: Pipeline,
    actor: Any,
    source: str,
    scope: str,
    projects: Sequence[Project] = (),
    note: str = "",
) -> Pipeline:
    """Undoes a disable of the same scope (team and project disables are independent)."""
    return _change(
        pipeline,
        actor=actor,
        source=source,
        scope=scope,
        projects=projects,
        disable=False,
        note=note,
    )
