"""User operations on runs: each checked by the engine against the stored run, recorded in the
audit log, and queued in the same transaction (nothing half-done)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from apps.core.errors import Conflict, NotFound
from apps.executions import runtime
from apps.executions.models import Execution, ExecutionAction, ExecutionAudit
from apps.users.models import User
from engine.errors import ExecutionNotFoundError, OperationNotAllowedError, StageNotFoundError


@contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except (ExecutionNotFoundError, StageNotFoundError) as exc:
        raise NotFound(f"Not found: {exc}.") from exc
    except OperationNotAllowedError as exc:
        raise Conflict(str(exc)[:1].upper() + str(exc)[1:] + ".") from exc


def _record(
    execution: Execution, action: str, user: User, stage_id: str = "", **details: Any
) -> None:
    ExecutionAudit.objects.create(
        execution=execution,
        action=action,
        stage_id=stage_id,
        user=user,
        username=user.username,
        details=details,
    )


def _run(
    execution: Execution,
    action: str,
    user: User,
    call: Callable[[], None],
    stage_id: str = "",
    **details: Any,
) -> Execution:
    with transaction.atomic(), _engine_errors():
        call()
        _record(execution, action, user, stage_id, **details)
    return execution


def execution_cancel(*, execution: Execution, user: User, reason: str = "") -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.CANCEL,
        user,
        lambda: ops.cancel(execution_id=execution.pk, user=user.username, reason=reason or None),
        reason=reason,
    )


def execution_pause(*, execution: Execution, user: User) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.PAUSE,
        user,
        lambda: ops.pause(execution_id=execution.pk, user=user.username),
    )


def execution_resume(*, execution: Execution, user: User) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.RESUME,
        user,
        lambda: ops.resume(execution_id=execution.pk, user=user.username),
    )


def stage_restart(*, execution: Execution, stage_id: str, user: User) -> Execution:
    execution.refresh_from_db(fields=["status"])
    if not execution.application.enable_restart_running_executions and execution.status in (
        "RUNNING",
        "PAUSED",
        "NOT_STARTED",
    ):
        raise Conflict(
            "This run is still active; the application does not allow restarting "
            "stages of running executions (enableRestartRunningExecutions)."
        )
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.RESTART_STAGE,
        user,
        lambda: ops.restart_stage(execution_id=execution.pk, stage_id=stage_id, user=user.username),
        stage_id,
    )


def stage_skip(*, execution: Execution, stage_id: str, user: User) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.SKIP_STAGE,
        user,
        lambda: ops.skip_stage(execution_id=execution.pk, stage_id=stage_id, user=user.username),
        stage_id,
    )


def stage_skip_wait(*, execution: Execution, stage_id: str, user: User) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.SKIP_WAIT,
        user,
        lambda: ops.skip_wait(execution_id=execution.pk, stage_id=stage_id, user=user.username),
        stage_id,
    )


def stage_skip_window(*, execution: Execution, stage_id: str, user: User) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.SKIP_WINDOW,
        user,
        lambda: ops.skip_window(execution_id=execution.pk, stage_id=stage_id, user=user.username),
        stage_id,
    )


def stage_judge(
    *,
    execution: Execution,
    stage_id: str,
    user: User,
    judgment_status: str,
    judgment_input: str | None = None,
    custom_params: dict[str, Any] | None = None,
) -> Execution:
    ops = runtime.operations()
    return _run(
        execution,
        ExecutionAction.JUDGMENT,
        user,
        lambda: ops.judge(
            execution_id=execution.pk,
            stage_id=stage_id,
            status=judgment_status,
            user=user.username,
            input=judgment_input,
            custom_params=custom_params,
        ),
        stage_id,
        judgmentStatus=judgment_status,
        judgmentInput=judgment_input,
    )
