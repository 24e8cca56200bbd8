"""Making running tasks poll now instead of after their backoff, without doubling poll chains."""

from __future__ import annotations

from engine import graph
from engine.messages import RunTask
from engine.model import Stage
from engine.model import Task as TaskRecord
from engine.status import Status


def next_run(stage: Stage, task: TaskRecord) -> RunTask:
    """Supersede any RunTask already queued for `task` (it becomes stale) and return the new one."""
    task.run_generation += 1
    return RunTask(stage.execution.id, stage.id, task.id, task.run_generation)


def reschedule_running_tasks(
    stage: Stage, *, include_synthetic: bool = False
) -> list[tuple[Stage, RunTask]]:
    """A fresh RunTask per RUNNING task; the caller stores each stage and pushes the messages."""
    stages = [stage, *graph.all_synthetic_stages(stage)] if include_synthetic else [stage]
    return [
        (each, next_run(each, task))
        for each in stages
        if each.status == Status.RUNNING
        for task in each.tasks
        if task.status == Status.RUNNING
    ]
