"""How a stage's "if stage fails" options turn a failure into a status; error records."""

from __future__ import annotations

from typing import Any

from engine.model import Stage
from engine.status import Status


def should_fail_pipeline(stage: Stage) -> bool:
    """`failPipeline` defaults to true when absent."""
    return stage.context.get("failPipeline") in (None, True)


def continues_on_failure(stage: Stage) -> bool:
    return stage.context.get("continuePipeline") is True


def failure_status(stage: Stage, default: Status = Status.TERMINAL) -> Status:
    """continuePipeline -> FAILED_CONTINUE; failPipeline (default) -> `default`; else STOPPED."""
    if continues_on_failure(stage):
        return Status.FAILED_CONTINUE
    if should_fail_pipeline(stage):
        return default
    return Status.STOPPED


def completes_other_branches_then_fails(stage: Stage) -> bool:
    return stage.context.get("completeOtherBranchesThenFail") is True


def is_manually_skipped(stage: Stage) -> bool:
    """`manualSkip` on the stage or on any stage it is synthetic to."""
    current: Stage | None = stage
    while current is not None:
        if current.context.get("manualSkip") is True:
            return True
        parent_id = current.parent_stage_id
        current = current.execution.stage(parent_id) if parent_id else None
    return False


def exception_details(
    error: str,
    *,
    errors: list[str] | None = None,
    exception_type: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The `context.exception` shape Deck renders: `{"details": {"error", "errors"}, ...}`."""
    return {
        "details": {"error": error, "errors": errors if errors is not None else [error]},
        "exceptionType": exception_type,
        "timestamp": now,
        "shouldRetry": False,
    }


def record_exception(stage: Stage, details: dict[str, Any]) -> None:
    stage.context["exception"] = details
