"""CompleteTask: record the task's outcome, then the next task, the stage's end, or a loop back."""

from __future__ import annotations

from engine import graph
from engine.failure import is_manually_skipped
from engine.handlers.lookup import find_task
from engine.messages import CompleteStage, CompleteTask, SkipStage, StartTask
from engine.model import Stage
from engine.model import Task as TaskRecord
from engine.runtime import Runtime
from engine.status import Status


def handle(message: CompleteTask, runtime: Runtime) -> None:
    found = find_task(message, runtime)
    if found is None:
        return
    stage, task = found
    if task.status != Status.RUNNING:
        return
    execution_id = stage.execution.id
    if message.status == Status.REDIRECT:
        loop_start = _restart_loop(stage, task)
        runtime.repository.store_stage(stage)
        runtime.push(StartTask(execution_id, stage.id, loop_start.id))
        return
    task.status = message.status
    task.end_time = runtime.now()
    runtime.repository.store_stage(stage)
    runtime.publish_task(stage, task)
    if is_manually_skipped(stage):
        runtime.push(SkipStage(execution_id, graph.top_level_stage(stage).id))
    elif _completes_stage(task, message):
        runtime.push(CompleteStage(execution_id, stage.id))
    else:
        following = stage.tasks[stage.tasks.index(task) + 1]
        runtime.push(StartTask(execution_id, stage.id, following.id))


def _completes_stage(task: TaskRecord, message: CompleteTask) -> bool:
    if task.stage_end:
        return True
    if message.original_status == Status.FAILED_CONTINUE:
        # The task itself said "failed, but carry on with my stage".
        return False
    return message.status.is_halt or message.status == Status.FAILED_CONTINUE


def _restart_loop(stage: Stage, loop_end: TaskRecord) -> TaskRecord:
    """Reset the tasks from the loop's start through `loop_end` so the loop runs again."""
    end = stage.tasks.index(loop_end)
    start = next(
        (index for index in range(end, -1, -1) if stage.tasks[index].loop_start),
        0,
    )
    for task in stage.tasks[start : end + 1]:
        task.status = Status.NOT_STARTED
        task.start_time = None
        task.end_time = None
    return stage.tasks[start]
