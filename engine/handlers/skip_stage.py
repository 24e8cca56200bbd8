"""SkipStage: mark a stage SKIPPED (with its synthetics when a user skipped it), move on."""

from __future__ import annotations

from engine import graph
from engine.failure import is_manually_skipped
from engine.handlers.lookup import find_stage
from engine.messages import SkipStage
from engine.model import Stage
from engine.progression import next_messages
from engine.runtime import Runtime
from engine.status import Status


def handle(message: SkipStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None or stage.status.is_complete:
        return
    manual = is_manually_skipped(stage)
    if stage.status not in (Status.RUNNING, Status.NOT_STARTED) and not manual:
        return
    now = runtime.now()
    if manual:
        for child in graph.all_synthetic_stages(stage):
            if not child.status.is_complete:
                _skip(child, now)
                runtime.repository.store_stage(child)
                runtime.publish_stage(child)
    _skip(stage, now)
    runtime.repository.store_stage(stage)
    runtime.publish_stage(stage)
    runtime.push_all(next_messages(stage))


def _skip(stage: Stage, now: int) -> None:
    stage.status = Status.SKIPPED
    stage.end_time = now
    for task in stage.tasks:
        if not task.status.is_complete:
            # Any RunTask still queued for it now finds it settled and drops.
            task.status = Status.SKIPPED
            task.end_time = now
