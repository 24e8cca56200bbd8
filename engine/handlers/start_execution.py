"""StartExecution: pass the concurrency gate, then start every initial stage."""

from __future__ import annotations

from engine import graph
from engine.concurrency import is_limited
from engine.events import ExecutionComplete, ExecutionQueued, ExecutionStarted
from engine.handlers.lookup import find_execution
from engine.messages import StartExecution, StartStage, StartWaitingExecutions
from engine.model import Execution
from engine.runtime import Runtime
from engine.status import Status

EXPIRED_REASON = "Could not begin execution before start time expiry"


def handle(message: StartExecution, runtime: Runtime) -> None:
    execution = find_execution(message, runtime)
    if execution is None or execution.status != Status.NOT_STARTED or execution.canceled:
        return
    if is_limited(execution) and not runtime.gate.admit_or_park(execution, message):
        runtime.publish(
            ExecutionQueued(execution.id, execution.application, execution.pipeline_config_id)
        )
        return
    now = runtime.now()
    initial = graph.initial_stages(execution)
    if execution.start_time_expiry is not None and now > execution.start_time_expiry:
        execution.mark_canceled(user=runtime.settings.system_user, reason=EXPIRED_REASON, now=now)
        _finish(execution, runtime)
        return
    execution.start_time = now
    if not initial:
        execution.status = Status.TERMINAL
        execution.end_time = now
        _finish(execution, runtime)
        return
    execution.status = Status.RUNNING
    runtime.repository.update_execution(execution)
    runtime.publish(
        ExecutionStarted(execution.id, execution.application, execution.pipeline_config_id)
    )
    runtime.push_all(StartStage(execution.id, stage.id) for stage in initial)


def _finish(execution: Execution, runtime: Runtime) -> None:
    """It was admitted but ends before running: record it and hand its slot on."""
    runtime.repository.update_execution(execution)
    runtime.publish(
        ExecutionComplete(
            execution.id, execution.application, execution.status, execution.pipeline_config_id
        )
    )
    if execution.pipeline_config_id is not None and is_limited(execution):
        runtime.push(
            StartWaitingExecutions(
                execution.pipeline_config_id, purge_queue=not execution.keep_waiting_pipelines
            )
        )
