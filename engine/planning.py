"""Turning a builder's answers into task records and synthetic stages, lazily, as Orca does."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine import graph
from engine.model import Stage, SyntheticStageOwner
from engine.model import Task as TaskRecord
from engine.stages.builder import StageDefinitionBuilder, SyntheticStage, TaskDefinition
from engine.status import Status

EXECUTION_WINDOW_TYPE = "restrictExecutionDuringTimeWindow"
_WINDOW_KEYS = ("restrictedExecutionWindow", "skipWindowText")

IdFactory = Callable[[], str]


def build_tasks(definitions: Sequence[TaskDefinition]) -> list[TaskRecord]:
    last = len(definitions) - 1
    return [
        TaskRecord(
            id=str(position + 1),
            name=definition.name,
            implementing_class=definition.task.task_type,
            stage_start=position == 0,
            stage_end=position == last,
            loop_start=definition.loop_start,
            loop_end=definition.loop_end,
        )
        for position, definition in enumerate(definitions)
    ]


def execution_window(stage: Stage) -> SyntheticStage | None:
    """The before-stage that waits for `restrictedExecutionWindow`, when the stage asks for one."""
    if stage.context.get("restrictExecutionDuringTimeWindow") is not True:
        return None
    context = {key: stage.context[key] for key in _WINDOW_KEYS if key in stage.context}
    return SyntheticStage(EXECUTION_WINDOW_TYPE, "Wait for execution window", context)


def plan_stage(stage: Stage, builder: StageDefinitionBuilder, *, new_id: IdFactory) -> list[Stage]:
    """Give `stage` its tasks and return its before-stages (already added to the execution)."""
    stage.tasks = build_tasks(builder.task_graph(stage))
    window = execution_window(stage)
    specs = list(builder.before_stages(stage))
    # Orca numbers the window "<0" so it always runs first.
    start = 1
    if window is not None:
        specs.insert(0, window)
        start = 0
    return add_synthetic_stages(
        stage, specs, SyntheticStageOwner.STAGE_BEFORE, new_id=new_id, first_index=start
    )


def plan_after_stages(
    stage: Stage, builder: StageDefinitionBuilder, *, new_id: IdFactory
) -> list[Stage]:
    existing = len(graph.after_stages(stage))
    return add_synthetic_stages(
        stage,
        builder.after_stages(stage),
        SyntheticStageOwner.STAGE_AFTER,
        new_id=new_id,
        first_index=existing + 1,
    )


def plan_on_failure_stages(
    stage: Stage, builder: StageDefinitionBuilder, *, new_id: IdFactory
) -> tuple[list[Stage], list[Stage]]:
    """(added, removed): failure stages replace synthetic stages that never started.

    Nothing is planned when a completed after-stage already carries one of their names (they
    ran once already, e.g. the stage failed again after its rollback).
    """
    specs = list(builder.on_failure_stages(stage))
    finished = {child.name for child in graph.after_stages(stage) if child.status.is_complete}
    if not specs or any(spec.name in finished for spec in specs):
        return [], []
    removed = [
        child for child in graph.all_synthetic_stages(stage) if child.status == Status.NOT_STARTED
    ]
    execution = stage.execution
    for child in removed:
        execution.remove_stage(child.id)
    existing = len(graph.after_stages(stage))
    added = add_synthetic_stages(
        stage,
        specs,
        SyntheticStageOwner.STAGE_AFTER,
        new_id=new_id,
        first_index=existing + 1,
        ref_marker=">f",
    )
    return added, removed


def add_synthetic_stages(
    parent_stage: Stage,
    specs: Sequence[SyntheticStage],
    owner: SyntheticStageOwner,
    *,
    new_id: IdFactory,
    first_index: int = 1,
    ref_marker: str | None = None,
) -> list[Stage]:
    """Create stages for `specs` chained in order (each requires the previous one)."""
    marker = ref_marker or ("<" if owner == SyntheticStageOwner.STAGE_BEFORE else ">")
    execution = parent_stage.execution
    created: list[Stage] = []
    previous: str | None = None
    for offset, spec in enumerate(specs):
        ref_id = f"{parent_stage.ref_id}{marker}{first_index + offset}"
        child = Stage(
            id=new_id(),
            ref_id=ref_id,
            type=spec.type,
            name=spec.name,
            context=dict(spec.context),
            requisite_stage_ref_ids=[previous] if previous else [],
            parent_stage_id=parent_stage.id,
            synthetic_stage_owner=owner,
        )
        execution.add_stage(child)
        created.append(child)
        previous = ref_id
    return created
