"""CancelStage: wake the stage's running tasks now, and let a halted stage's type undo its work."""

from __future__ import annotations

from collections.abc import Sequence

from engine.errors import UnknownStageTypeError
from engine.handlers.lookup import find_stage
from engine.messages import CancelStage, Message
from engine.rescheduling import reschedule_running_tasks
from engine.runtime import Runtime
from engine.status import Status


def handle(message: CancelStage, runtime: Runtime) -> None:
    stage = find_stage(message, runtime)
    if stage is None:
        return
    if stage.status == Status.RUNNING:
        for touched, run in reschedule_running_tasks(stage, include_synthetic=True):
            runtime.repository.store_stage(touched)
            runtime.push(run)
    if not stage.status.is_halt:
        return
    follow_ups: Sequence[Message] | None = None
    try:
        builder = runtime.registry.builder(stage.type)
        follow_ups = builder.cancel(stage)
    except UnknownStageTypeError:
        return
    except Exception as error:
        stage.context["cancelError"] = str(error)
    runtime.repository.store_stage(stage)
    runtime.push_all(follow_ups or ())
