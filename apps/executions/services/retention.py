"""Retention: finished runs older than N days go, except the newest M of each pipeline."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import OuterRef, Subquery

from apps.executions.models import Execution, ExecutionStatus

FINISHED = [
    ExecutionStatus.SUCCEEDED,
    ExecutionStatus.TERMINAL,
    ExecutionStatus.CANCELED,
    ExecutionStatus.STOPPED,
    ExecutionStatus.SKIPPED,
    ExecutionStatus.FAILED_CONTINUE,
]


def executions_purge(
    *,
    older_than_days: int,
    keep_per_pipeline: int,
    now_ms: int | None = None,
    batch_size: int = 500,
) -> int:
    """Deletes the runs and returns how many; running or waiting runs are never touched."""
    now_ms = now_ms if now_ms is not None else time.time_ns() // 1_000_000
    cutoff = now_ms - older_than_days * 86_400_000
    newest = (
        Execution.objects.filter(pipeline_config_id=OuterRef("pipeline_config_id"))
        .order_by("-build_time")
        .values("build_time")[keep_per_pipeline : keep_per_pipeline + 1]
    )
    candidates = Execution.objects.filter(status__in=FINISHED, build_time__lt=cutoff)
    if keep_per_pipeline > 0:
        # Keep a run unless at least `keep` newer ones of its pipeline exist.
        candidates = candidates.annotate(threshold=Subquery(newest)).filter(
            threshold__isnull=False, build_time__lte=Subquery(newest)
        )
    deleted = 0
    while True:
        ids = list(candidates.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            Execution.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
