"""StartWaitingExecutions: a slot freed up; start the next parked run, canceling superseded ones."""

from __future__ import annotations

from engine.concurrency import SUPERSEDED_REASON
from engine.messages import CancelExecution, ExecutionMessage, StartWaitingExecutions
from engine.runtime import Runtime


def handle(message: StartWaitingExecutions, runtime: Runtime) -> None:
    release = runtime.gate.pop_next(message.pipeline_config_id, purge=message.purge_queue)
    for superseded in release.superseded:
        if isinstance(superseded, ExecutionMessage):
            runtime.push(
                CancelExecution(
                    superseded.execution_id,
                    user=runtime.settings.system_user,
                    reason=SUPERSEDED_REASON,
                )
            )
    if release.next is not None:
        runtime.push(release.next)
