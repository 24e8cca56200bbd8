"""Pure questions about the stage DAG (`requisiteStageRefIds`) and the synthetic-stage tree."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from engine.model import Execution, Stage, SyntheticStageOwner
from engine.status import Status

# -- the requisite-stage DAG ------------------------------------------------------------------


def initial_stages(execution: Execution) -> list[Stage]:
    """Top-level stages that require nothing: where a run begins."""
    return [
        stage
        for stage in execution.stages
        if stage.parent_stage_id is None and not stage.requisite_stage_ref_ids
    ]


def upstream(stage: Stage) -> list[Stage]:
    """Stages this one directly requires."""
    execution = stage.execution
    found = (execution.stage_by_ref(ref) for ref in stage.requisite_stage_ref_ids)
    return [upstream_stage for upstream_stage in found if upstream_stage is not None]


def downstream(stage: Stage) -> list[Stage]:
    """Stages that directly require this one."""
    return list(stage.execution.dependents_of(stage.ref_id))


def all_upstream_complete(stage: Stage) -> bool:
    """True when every required stage is SUCCEEDED, FAILED_CONTINUE or SKIPPED (joins wait)."""
    return all(required.status.unblocks_downstream for required in upstream(stage))


def any_upstream_halted(stage: Stage) -> bool:
    """True when something upstream halted, looking through stages that never started."""
    seen: set[str] = set()
    pending = upstream(stage)
    while pending:
        required = pending.pop()
        if required.id in seen:
            continue
        seen.add(required.id)
        if required.status.is_halt:
            return True
        if required.status == Status.NOT_STARTED:
            pending.extend(upstream(required))
    return False


def ancestors(stage: Stage) -> list[Stage]:
    """Every stage whose outputs this one can see, nearest first.

    Walks requisite edges and, for synthetic stages, the parent link (so a synthetic stage sees
    its parent's outputs and everything upstream of the parent).
    """
    execution = stage.execution
    seen = {stage.id}
    ordered: list[Stage] = []
    queue: deque[Stage] = deque([stage])
    while queue:
        current = queue.popleft()
        neighbours = upstream(current)
        if current.parent_stage_id is not None:
            parent_stage = execution.stage(current.parent_stage_id)
            if parent_stage is not None:
                neighbours.append(parent_stage)
        for neighbour in neighbours:
            if neighbour.id not in seen:
                seen.add(neighbour.id)
                ordered.append(neighbour)
                queue.append(neighbour)
    return ordered


def downstream_closure(stage: Stage) -> list[Stage]:
    """Every stage transitively downstream of this one, in breadth-first order."""
    seen = {stage.id}
    ordered: list[Stage] = []
    queue: deque[Stage] = deque([stage])
    while queue:
        for dependent in downstream(queue.popleft()):
            if dependent.id not in seen:
                seen.add(dependent.id)
                ordered.append(dependent)
                queue.append(dependent)
    return ordered


def requisite_edges(stages: Iterable[Stage]) -> dict[str, list[str]]:
    """refId -> required refIds, the input `topological_order` and `find_cycle` take."""
    return {stage.ref_id: list(stage.requisite_stage_ref_ids) for stage in stages}


def topological_order(edges: Mapping[str, Sequence[str]]) -> list[str]:
    """refIds with every stage after the ones it requires; ties keep the input order.

    Unknown requisite refIds are ignored (validation reports them separately).
    Raises ValueError naming a cycle when there is one.
    """
    remaining = {ref: sum(1 for dep in deps if dep in edges) for ref, deps in edges.items()}
    dependents: dict[str, list[str]] = {ref: [] for ref in edges}
    for ref, deps in edges.items():
        for dep in deps:
            if dep in dependents:
                dependents[dep].append(ref)
    ready = deque(ref for ref, count in remaining.items() if count == 0)
    ordered: list[str] = []
    while ready:
        ref = ready.popleft()
        ordered.append(ref)
        for dependent in dependents[ref]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                ready.append(dependent)
    if len(ordered) != len(edges):
        cycle = find_cycle(edges) or []
        raise ValueError(f"stages form a cycle: {' -> '.join(cycle)}")
    return ordered


def find_cycle(edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """The refIds of one cycle, each requiring the next and the last requiring the first."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(edges, white)
    for root in edges:
        if colour[root] != white:
            continue
        path: list[str] = [root]
        iterators = [iter(edges[root])]
        colour[root] = grey
        while iterators:
            advanced = False
            for dep in iterators[-1]:
                if dep not in colour:
                    continue
                if colour[dep] == grey:
                    return path[path.index(dep) :]
                if colour[dep] == white:
                    colour[dep] = grey
                    path.append(dep)
                    iterators.append(iter(edges[dep]))
                    advanced = True
                    break
            if not advanced:
                colour[path.pop()] = black
                iterators.pop()
    return None


# -- the synthetic-stage tree ----------------------------------------------------------------


def parent(stage: Stage) -> Stage:
    """The stage a synthetic stage belongs to; raises ValueError for a top-level stage."""
    if stage.parent_stage_id is None:
        raise ValueError(f"stage {stage.id} is not synthetic")
    found = stage.execution.stage(stage.parent_stage_id)
    if found is None:
        raise ValueError(f"parent {stage.parent_stage_id} of stage {stage.id} is missing")
    return found


def top_level_stage(stage: Stage) -> Stage:
    current = stage
    while current.parent_stage_id is not None:
        current = parent(current)
    return current


def synthetic_stages(stage: Stage) -> list[Stage]:
    """Direct synthetic children, before and after."""
    return list(stage.execution.children_of(stage.id))


def all_synthetic_stages(stage: Stage) -> list[Stage]:
    """Synthetic children, their children, and so on."""
    found: list[Stage] = []
    pending = synthetic_stages(stage)
    while pending:
        child = pending.pop(0)
        found.append(child)
        pending.extend(synthetic_stages(child))
    return found


def before_stages(stage: Stage) -> list[Stage]:
    return [
        child
        for child in synthetic_stages(stage)
        if child.synthetic_stage_owner == SyntheticStageOwner.STAGE_BEFORE
    ]


def after_stages(stage: Stage) -> list[Stage]:
    return [
        child
        for child in synthetic_stages(stage)
        if child.synthetic_stage_owner == SyntheticStageOwner.STAGE_AFTER
    ]


def first_before_stages(stage: Stage) -> list[Stage]:
    return [child for child in before_stages(stage) if not child.requisite_stage_ref_ids]


def first_after_stages(stage: Stage) -> list[Stage]:
    return [child for child in after_stages(stage) if not child.requisite_stage_ref_ids]
