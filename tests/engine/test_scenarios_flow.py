"""Whole pipelines through the in-memory queue: ordering, joins, outputs, synthetic stages."""

from __future__ import annotations

import pytest

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, make_engine, run, script_stage, stage, statuses


@pytest.mark.parametrize("snapshot", [True, False])
def test_chain_fan_out_and_lattice_all_succeed(snapshot: bool) -> None:
    engine = make_engine(snapshot=snapshot)
    chain = [stage("1")] + [stage(str(n), str(n - 1)) for n in range(2, 21)]
    fan = (
        [stage("root")]
        + [stage(f"b{n}", "root") for n in range(20)]
        + [stage("join", *[f"b{n}" for n in range(20)])]
    )
    lattice = [
        stage(f"{row}.{col}", *([f"{row - 1}.{c}" for c in range(4)] if row else []))
        for row in range(4)
        for col in range(4)
    ]
    for stages in (chain, fan, lattice):
        execution = run(engine, *stages)
        assert execution.status == Status.SUCCEEDED
        assert set(statuses(execution).values()) == {"SUCCEEDED"}


def test_stages_run_in_dependency_order(engine: InMemoryEngine) -> None:
    run(engine, stage("a"), stage("b", "a"), stage("c", "a"), stage("d", "b", "c"))
    calls = script_stage(engine).task.calls
    assert calls[0] == "a"
    assert set(calls[1:3]) == {"b", "c"}
    assert calls[3] == "d"


def test_a_join_starts_exactly_once(engine: InMemoryEngine) -> None:
    execution = run(
        engine, stage("1"), stage("2", polls=2), stage("3", polls=4), stage("4", "1", "2", "3")
    )
    assert execution.status == Status.SUCCEEDED
    assert script_stage(engine).task.calls.count("4") == 1


def test_outputs_reach_downstream_stages_through_expressions(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("build", outputs={"image": "shop:42"}),
        stage("deploy", "build", manifest="image=${image}", tag="${parameters.tag}"),
        trigger={"type": "manual", "parameters": {"tag": "v1"}},
    )
    deploy = by_ref(execution, "deploy")
    assert deploy.context["manifest"] == "image=shop:42"
    assert deploy.context["tag"] == "v1"
    assert deploy.merged_context()["image"] == "shop:42"


def test_a_disabled_stage_is_skipped_and_downstream_still_runs(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("1", stageEnabled={"type": "expression", "expression": "parameters.env == 'prod'"}),
        stage("2", "1"),
        trigger={"type": "manual", "parameters": {"env": "test"}},
    )
    assert statuses(execution) == {"1": "SKIPPED", "2": "SUCCEEDED"}
    assert execution.status == Status.SUCCEEDED
    assert script_stage(engine).task.calls == ["2"]


def test_before_tasks_and_after_stages_run_in_order(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage(
            "1",
            before=[{"name": "prep", "context": {}}],
            after=[{"name": "verify", "context": {}}, {"name": "notify", "context": {}}],
        ),
        stage("2", "1"),
    )
    assert script_stage(engine).task.calls == ["1<1", "1", "1>1", "1>2", "2"]
    assert execution.status == Status.SUCCEEDED
    assert by_ref(execution, "1").status == Status.SUCCEEDED


def test_failure_stages_run_then_the_stage_fails(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage(
            "1",
            outcome="TERMINAL",
            after=[{"name": "verify"}],
            onFailure=[{"name": "rollback", "context": {"outputs": {"rolledBack": True}}}],
        ),
        stage("2", "1"),
    )
    assert script_stage(engine).task.calls == ["1", "1>f1"]
    assert execution.status == Status.TERMINAL
    assert statuses(execution) == {"1": "TERMINAL", "2": "NOT_STARTED", "1>f1": "SUCCEEDED"}


def test_a_failing_before_stage_fails_its_parent(engine: InMemoryEngine) -> None:
    execution = run(
        engine, stage("1", before=[{"name": "check", "context": {"outcome": "TERMINAL"}}])
    )
    assert statuses(execution) == {"1": "TERMINAL", "1<1": "TERMINAL"}
    assert script_stage(engine).task.calls == ["1<1"]
    assert execution.status == Status.TERMINAL


def test_polling_task_runs_until_done(engine: InMemoryEngine) -> None:
    start = engine.clock.now_ms()
    execution = run(engine, stage("1", polls=3))
    assert execution.status == Status.SUCCEEDED
    assert execution.end_time == start + 3_000  # three backoffs of a second
    assert script_stage(engine).task.calls == ["1"] * 4


def test_every_transition_is_published(engine: InMemoryEngine) -> None:
    from engine.events import ExecutionComplete, ExecutionStarted, StageStatusChanged

    execution = run(engine, stage("1"))
    kinds = [type(event).__name__ for event in engine.events.events]
    assert kinds[0] == "ExecutionStarted"
    assert kinds[-1] == "ExecutionComplete"
    stage_events = engine.events.of_type(StageStatusChanged)
    assert [event.status for event in stage_events] == [Status.RUNNING, Status.SUCCEEDED]
    assert isinstance(engine.events.events[0], ExecutionStarted)
    assert engine.events.events[-1] == ExecutionComplete(
        execution.id, "app", Status.SUCCEEDED, "p1"
    )
