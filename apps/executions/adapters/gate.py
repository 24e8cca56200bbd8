"""ConcurrencyGate under a per-pipeline row lock: limitConcurrent / maxConcurrentExecutions
decisions and the waiting queue are race-free across threads, processes and machines."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from apps.executions.models import ConcurrencySlot, ExecutionStatus, PendingExecution
from apps.executions.models import Execution as ExecutionRow
from engine.concurrency import must_queue
from engine.messages import Message, message_from_dict, message_to_dict
from engine.model import Execution
from engine.ports import PendingRelease

ACTIVE = [ExecutionStatus.RUNNING, ExecutionStatus.PAUSED]


def _lock_slot(pipeline_config_id: str) -> None:
    if not ConcurrencySlot.objects.filter(pk=pipeline_config_id).exists():
        try:
            with transaction.atomic():
                ConcurrencySlot.objects.create(pk=pipeline_config_id)
        except IntegrityError:
            pass  # created concurrently: fine, we only need it to exist
    slots = ConcurrencySlot.objects.filter(pk=pipeline_config_id)
    if connection.features.has_select_for_update:
        slots = slots.select_for_update()
    list(slots.values_list("pk", flat=True))


class DjangoConcurrencyGate:
    """Implements `engine.ports.ConcurrencyGate`; call inside the handler's transaction."""

    def admit_or_park(self, execution: Execution, message: Message) -> bool:
        config_id = execution.pipeline_config_id or ""
        _lock_slot(config_id)
        active_others = (
            ExecutionRow.objects.filter(pipeline_config_id=config_id, status__in=ACTIVE)
            .exclude(pk=execution.id)
            .count()
        )
        if not must_queue(execution, active_others=active_others):
            PendingExecution.objects.filter(execution_id=execution.id).delete()
            return True
        if not PendingExecution.objects.filter(
            execution_id=execution.id, payload=message_to_dict(message)
        ).exists():
            PendingExecution.objects.create(
                pipeline_config_id=config_id,
                execution_id=execution.id,
                build_time=execution.build_time or 0,
                payload=message_to_dict(message),
            )
        return False

    def pop_next(self, pipeline_config_id: str, *, purge: bool) -> PendingRelease:
        _lock_slot(pipeline_config_id)
        waiting = list(
            PendingExecution.objects.filter(pipeline_config_id=pipeline_config_id).order_by(
                "build_time", "id"
            )
        )
        if not waiting:
            return PendingRelease()
        chosen = waiting[-1] if purge else waiting[0]
        superseded = [row for row in waiting if row is not chosen] if purge else []
        PendingExecution.objects.filter(pk__in=[chosen.pk, *(r.pk for r in superseded)]).delete()
        return PendingRelease(
            next=message_from_dict(chosen.payload),
            superseded=tuple(message_from_dict(row.payload) for row in superseded),
        )

    def withdraw(self, execution_id: str) -> None:
        PendingExecution.objects.filter(execution_id=execution_id).delete()

    def pending_pipeline_ids(self) -> list[str]:
        return sorted(set(PendingExecution.objects.values_list("pipeline_config_id", flat=True)))
