"""RunTask: one invocation of a task; RUNNING re-queues it after its backoff."""

from __future__ import annotations

from engine.errors import UnknownTaskTypeError
from engine.failure import exception_details, failure_status, is_manually_skipped
from engine.handlers.lookup import find_task
from engine.messages import CompleteTask, PauseTask, RunTask
from engine.model import Execution, Stage
from engine.model import Task as TaskRecord
from engine.rescheduling import next_run
from engine.runtime import Runtime
from engine.status import Status
from engine.task_outcomes import apply_result, backoff_ms, completion_status
from engine.tasks import Task, TaskResult, TaskRetryableError
from engine.timeouts import ms_until_stage_timeout, stage_timeout_message, task_timeout_message

RunKey = tuple[str, str, str, int]


def run_key(message: RunTask) -> RunKey:
    return (message.execution_id, message.stage_id, message.task_id, message.generation)


def execute_ahead(message: RunTask, execution: Execution, runtime: Runtime) -> object | None:
    """Runs now the task `handle` would run for `message`, on `execution` as read outside any
    unit of work; returns what it returned or raised, or None when `handle` would not run it.

    For transports that keep calls to the outside world (HTTP, cloud APIs) out of their
    transaction, so such a call never holds the database's write lock or the execution's row
    lock. `handle` then uses the outcome instead of running the task again, provided the task
    is still that invocation (same run generation, still RUNNING, the execution neither
    canceled, paused nor timed out meanwhile); otherwise it acts as if the call had not been
    made. Like a crash between a call and its commit, that repeats at most one outside call.
    """
    stage = execution.stage(message.stage_id)
    record = stage.task(message.task_id) if stage is not None else None
    if stage is None or record is None or not _runnable(stage, record, message):
        return None
    try:
        task = runtime.registry.task(record.implementing_class)
    except UnknownTaskTypeError:
        return None
    now = runtime.now()
    if stage_timeout_message(stage, now) or task_timeout_message(task, record, stage, now):
        return None
    try:
        return task.execute(stage)
    except Exception as error:
        return error


def _runnable(stage: Stage, record: TaskRecord, message: RunTask) -> bool:
    execution = stage.execution
    return (
        record.status == Status.RUNNING
        and message.generation == record.run_generation
        and not execution.canceled
        and not execution.status.is_complete
        and not stage.status.is_complete
        and execution.status != Status.PAUSED
        and not is_manually_skipped(stage)
    )


def handle(message: RunTask, runtime: Runtime) -> None:
    found = find_task(message, runtime)
    if found is None:
        return
    stage, record = found
    if record.status != Status.RUNNING or message.generation != record.run_generation:
        return  # a duplicate, or superseded by a reschedule
    execution = stage.execution
    try:
        task = runtime.registry.task(record.implementing_class)
    except UnknownTaskTypeError as error:
        _fail(stage, record, runtime, str(error), type(error).__name__)
        return
    if execution.canceled or execution.status.is_complete or stage.status.is_complete:
        _cancel(stage, record, task, runtime)
    elif execution.status == Status.PAUSED:
        runtime.push(PauseTask(execution.id, stage.id, record.id))
    elif is_manually_skipped(stage):
        runtime.push(CompleteTask(execution.id, stage.id, record.id, Status.SKIPPED))
    else:
        _run(stage, record, task, runtime)


def _run(stage: Stage, record: TaskRecord, task: Task, runtime: Runtime) -> None:
    now = runtime.now()
    timeout = stage_timeout_message(stage, now) or task_timeout_message(task, record, stage, now)
    if timeout is not None:
        if stage.context.get("markSuccessfulOnTimeout") is True:
            _complete(stage, record, runtime, Status.SUCCEEDED, None)
        else:
            _fail(stage, record, runtime, timeout, "TimeoutException")
        return
    try:
        result = _execute(stage, record, task, runtime)
    except TaskRetryableError:
        _poll_again(stage, record, task, runtime)
        return
    except Exception as error:
        _fail(stage, record, runtime, str(error) or type(error).__name__, type(error).__name__)
        return
    changed = apply_result(stage, result)
    for event in result.events:
        runtime.publish(event)
    if result.status == Status.RUNNING:
        _poll_again(stage, record, task, runtime)
        return
    if changed:
        runtime.repository.store_stage(stage)
    _complete(stage, record, runtime, completion_status(stage, result.status), result.status)


def _execute(stage: Stage, record: TaskRecord, task: Task, runtime: Runtime) -> TaskResult:
    key = (stage.execution.id, stage.id, record.id, record.run_generation)
    ahead = runtime.ahead.pop(key, None)
    if ahead is None:
        return task.execute(stage)
    if isinstance(ahead, Exception):
        raise ahead
    assert isinstance(ahead, TaskResult)
    return ahead


def _poll_again(stage: Stage, record: TaskRecord, task: Task, runtime: Runtime) -> None:
    run = next_run(stage, record)
    runtime.repository.store_stage(stage)
    delay = backoff_ms(task, stage, non_retryable_ms=runtime.settings.non_retryable_backoff_ms)
    remaining = ms_until_stage_timeout(stage, runtime.now())
    if remaining is not None:
        # Poll again just after the timeout at the latest, so it fires on time.
        delay = min(delay, remaining + 1)
    runtime.push(run, delay)


def _cancel(stage: Stage, record: TaskRecord, task: Task, runtime: Runtime) -> None:
    try:
        result = task.on_cancel(stage)
    except Exception as error:
        stage.context["cancelError"] = str(error)
        runtime.repository.store_stage(stage)
    else:
        if result is not None and apply_result(stage, result):
            runtime.repository.store_stage(stage)
    _complete(stage, record, runtime, Status.CANCELED, None)


def _fail(stage: Stage, record: TaskRecord, runtime: Runtime, error: str, kind: str) -> None:
    details = exception_details(error, exception_type=kind, now=runtime.now())
    stage.context["exception"] = details
    record.task_exception_details = details
    runtime.repository.store_stage(stage)
    _complete(stage, record, runtime, failure_status(stage), Status.TERMINAL)


def _complete(
    stage: Stage, record: TaskRecord, runtime: Runtime, status: Status, returned: Status | None
) -> None:
    runtime.push(CompleteTask(stage.execution.id, stage.id, record.id, status, returned))
