"""DAG and synthetic-tree questions answered by pure functions."""

from __future__ import annotations

import pytest

from engine import graph
from engine.model import Execution, Stage, SyntheticStageOwner
from engine.status import Status


def _execution(edges: dict[str, list[str]]) -> Execution:
    return Execution(
        id="e",
        application="app",
        stages=[
            Stage(id=f"s{ref}", ref_id=ref, type="wait", name=ref, requisite_stage_ref_ids=deps)
            for ref, deps in edges.items()
        ],
    )


DIAMOND = {"1": [], "2": ["1"], "3": ["1"], "4": ["2", "3"]}


def test_initial_upstream_and_downstream() -> None:
    execution = _execution(DIAMOND)
    join = execution.stage_by_ref("4")
    assert [each.ref_id for each in graph.initial_stages(execution)] == ["1"]
    assert [each.ref_id for each in graph.upstream(join)] == ["2", "3"]
    assert [each.ref_id for each in graph.downstream(execution.stage_by_ref("1"))] == ["2", "3"]
    assert [each.ref_id for each in graph.downstream_closure(execution.stage_by_ref("1"))] == [
        "2",
        "3",
        "4",
    ]


@pytest.mark.parametrize(
    ("two", "three", "ready"),
    [
        (Status.SUCCEEDED, Status.SUCCEEDED, True),
        (Status.SUCCEEDED, Status.FAILED_CONTINUE, True),
        (Status.SKIPPED, Status.SUCCEEDED, True),
        (Status.SUCCEEDED, Status.RUNNING, False),
        (Status.SUCCEEDED, Status.NOT_STARTED, False),
        (Status.SUCCEEDED, Status.STOPPED, False),
        (Status.TERMINAL, Status.SUCCEEDED, False),
        (Status.CANCELED, Status.SUCCEEDED, False),
    ],
)
def test_join_starts_only_when_every_upstream_let_it_through(
    two: Status, three: Status, ready: bool
) -> None:
    execution = _execution(DIAMOND)
    execution.stage_by_ref("2").status = two
    execution.stage_by_ref("3").status = three
    assert graph.all_upstream_complete(execution.stage_by_ref("4")) is ready


def test_any_upstream_halted_looks_through_unstarted_stages() -> None:
    execution = _execution({"1": [], "2": ["1"], "3": ["2"]})
    execution.stage_by_ref("1").status = Status.TERMINAL
    assert graph.any_upstream_halted(execution.stage_by_ref("3"))
    execution.stage_by_ref("1").status = Status.SUCCEEDED
    assert not graph.any_upstream_halted(execution.stage_by_ref("3"))


def test_ancestors_are_nearest_first() -> None:
    execution = _execution({"1": [], "2": ["1"], "3": ["2"], "4": ["3", "1"]})
    assert [each.ref_id for each in graph.ancestors(execution.stage_by_ref("4"))] == [
        "3",
        "1",
        "2",
    ]


def test_find_cycle_names_the_refids() -> None:
    assert graph.find_cycle(DIAMOND) is None
    cycle = graph.find_cycle({"1": ["3"], "2": ["1"], "3": ["2"], "4": []})
    assert cycle is not None
    assert sorted(cycle) == ["1", "2", "3"]
    # each requires the next, the last requires the first
    edges = {"1": ["3"], "2": ["1"], "3": ["2"]}
    for position, ref in enumerate(cycle):
        assert cycle[(position + 1) % len(cycle)] in edges[ref]
    assert graph.find_cycle({"1": ["1"]}) == ["1"]


def test_topological_order_puts_requirements_first_and_rejects_cycles() -> None:
    assert graph.topological_order({"4": ["2", "3"], "3": ["1"], "2": ["1"], "1": []}) == [
        "1",
        "3",
        "2",
        "4",
    ]
    assert graph.topological_order({"1": [], "2": ["missing"]}) == ["1", "2"]
    with pytest.raises(ValueError, match="cycle"):
        graph.topological_order({"1": ["2"], "2": ["1"]})


def test_synthetic_helpers() -> None:
    execution = _execution({"1": []})
    parent = execution.stages[0]
    before = Stage(
        id="b",
        ref_id="1<1",
        type="wait",
        name="b",
        parent_stage_id=parent.id,
        synthetic_stage_owner=SyntheticStageOwner.STAGE_BEFORE,
    )
    after = Stage(
        id="a",
        ref_id="1>1",
        type="wait",
        name="a",
        parent_stage_id=parent.id,
        synthetic_stage_owner=SyntheticStageOwner.STAGE_AFTER,
    )
    nested = Stage(
        id="n",
        ref_id="1<1<1",
        type="wait",
        name="n",
        parent_stage_id="b",
        synthetic_stage_owner=SyntheticStageOwner.STAGE_BEFORE,
    )
    for each in (before, after, nested):
        execution.add_stage(each)
    assert graph.before_stages(parent) == [before]
    assert graph.after_stages(parent) == [after]
    assert graph.first_before_stages(parent) == [before]
    assert graph.parent(nested) is before
    assert graph.top_level_stage(nested) is parent
    assert {each.id for each in graph.all_synthetic_stages(parent)} == {"a", "b", "n"}
    assert graph.initial_stages(execution) == [parent]
    with pytest.raises(ValueError, match="not synthetic"):
        graph.parent(parent)
