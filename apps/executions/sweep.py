"""The recovery sweep: re-drives work whose delivery was lost (a worker died, a broker message
vanished). Runs periodically in every mode; everything it pushes is safe to duplicate."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from apps.executions.models import EngineMessage, ExecutionStatus, PendingExecution
from apps.executions.models import Execution as ExecutionRow
from engine.messages import (
    CompleteExecution,
    RescheduleExecution,
    StartExecution,
    StartWaitingExecutions,
)

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    stalled_messages: int = 0
    rescheduled: int = 0
    restarted: int = 0
    released: int = 0


def sweep(*, queue, now_ms: int, notify, stall_ms: int = 5_000) -> SweepReport:  # type: ignore[no-untyped-def]
    """`queue`: the engine MessageQueue to push to; `notify(key, due_at, id)`: the transport."""
    report = SweepReport()
    for key, due_at, row_id in EngineMessage.objects.filter(
        due_at__lte=now_ms - stall_ms
    ).values_list("key", "due_at", "id")[:1000]:
        notify(key, due_at, row_id)
        report.stalled_messages += 1

    has_messages = Exists(EngineMessage.objects.filter(key=OuterRef("pk")))
    is_parked = Exists(PendingExecution.objects.filter(execution_id=OuterRef("pk")))
    idle = ExecutionRow.objects.annotate(busy=has_messages, parked=is_parked).filter(
        busy=False, parked=False
    )
    with transaction.atomic():
        for execution_id in idle.filter(status=ExecutionStatus.RUNNING).values_list(
            "pk", flat=True
        )[:500]:
            logger.warning("execution %s is RUNNING with nothing queued: re-driving", execution_id)
            queue.push(RescheduleExecution(execution_id))
            queue.push(CompleteExecution(execution_id))
            report.rescheduled += 1
        for execution_id in idle.filter(
            status=ExecutionStatus.NOT_STARTED, canceled=False
        ).values_list("pk", flat=True)[:500]:
            logger.warning("execution %s was never started: starting it", execution_id)
            queue.push(StartExecution(execution_id))
            report.restarted += 1

        active = ExecutionRow.objects.filter(
            pipeline_config_id=OuterRef("pipeline_config_id"),
            status__in=[ExecutionStatus.RUNNING, ExecutionStatus.PAUSED],
        )
        stuck = (
            PendingExecution.objects.annotate(active=Exists(active))
            .filter(active=False)
            .values_list("pipeline_config_id", flat=True)
            .distinct()
        )
        for config_id in list(stuck)[:500]:
            keep = (
                ExecutionRow.objects.filter(pipeline_config_id=config_id)
                .order_by("-build_time")
                .values_list("header__keepWaitingPipelines", flat=True)
                .first()
            )
            queue.push(StartWaitingExecutions(config_id, purge_queue=not keep))
            report.released += 1
    return report
