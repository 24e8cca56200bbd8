"""StartStage handler: joins, skips, planning, expressions."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import CompleteExecution, CompleteStage, SkipStage, StartStage, StartTask
from engine.status import Status
from tests.engine.support import by_ref, handle, pipeline, save, stage, started


def test_starts_the_first_task(engine: InMemoryEngine) -> None:
    execution = save(engine, pipeline(engine, stage("1", taskNames=["a", "b"])))
    one = by_ref(execution, "1")
    pushed = handle(engine, StartStage(execution.id, one.id))
    assert pushed == [(StartTask(execution.id, one.id, "1"), 0)]
    stored = by_ref(engine.execution(execution.id), "1")
    assert stored.status == Status.RUNNING
    assert [(task.name, task.stage_start, task.stage_end) for task in stored.tasks] == [
        ("a", True, False),
        ("b", False, True),
    ]


def test_a_join_waits_for_every_branch(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"), stage("2"), stage("3", "1", "2"))
    by_ref(execution, "1").status = Status.SUCCEEDED
    by_ref(execution, "2").status = Status.RUNNING
    execution = save(engine, execution)
    join = by_ref(execution, "3")
    assert handle(engine, StartStage(execution.id, join.id)) == []
    assert by_ref(engine.execution(execution.id), "3").status == Status.NOT_STARTED

    by_ref(execution, "2").status = Status.FAILED_CONTINUE
    execution = save(engine, execution)
    assert handle(engine, StartStage(execution.id, join.id)) == [
        (StartTask(execution.id, join.id, "1"), 0)
    ]
    # the second branch's StartStage arrives late: ignored
    assert handle(engine, StartStage(execution.id, join.id)) == []


def test_upstream_failure_settles_the_execution(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"), stage("2", "1"))
    by_ref(execution, "1").status = Status.TERMINAL
    execution = save(engine, execution)
    assert handle(engine, StartStage(execution.id, by_ref(execution, "2").id)) == [
        (CompleteExecution(execution.id), 0)
    ]


def test_disabled_stage_is_skipped(engine: InMemoryEngine) -> None:
    execution = save(
        engine,
        pipeline(
            engine,
            stage("1", stageEnabled={"type": "expression", "expression": "parameters.go"}),
            trigger={"type": "manual", "parameters": {"go": False}},
        ),
    )
    one = by_ref(execution, "1")
    assert handle(engine, StartStage(execution.id, one.id)) == [
        (SkipStage(execution.id, one.id), 0)
    ]


def test_non_boolean_stage_enabled_skips_with_a_warning(engine: InMemoryEngine) -> None:
    execution = save(
        engine,
        pipeline(engine, stage("1", stageEnabled={"type": "expression", "expression": "nope"})),
    )
    one = by_ref(execution, "1")
    assert handle(engine, StartStage(execution.id, one.id)) == [
        (SkipStage(execution.id, one.id), 0)
    ]
    summary = by_ref(engine.execution(execution.id), "1").context["expressionEvaluationSummary"]
    assert any(note["level"] == "WARN" for note in summary["nope"])


def test_before_stages_start_first(engine: InMemoryEngine) -> None:
    execution = save(
        engine,
        pipeline(engine, stage("1", before=[{"name": "prep"}, {"name": "check"}])),
    )
    one = by_ref(execution, "1")
    pushed = handle(engine, StartStage(execution.id, one.id))
    stored = engine.execution(execution.id)
    prep, check = (by_ref(stored, "1<1"), by_ref(stored, "1<2"))
    assert pushed == [(StartStage(execution.id, prep.id), 0)]
    assert (prep.parent_stage_id, prep.synthetic_stage_owner.value) == (one.id, "STAGE_BEFORE")
    assert check.requisite_stage_ref_ids == ["1<1"]


def test_unknown_stage_type_fails_the_stage(engine: InMemoryEngine) -> None:
    execution = save(engine, pipeline(engine, stage("1", type="teleport")))
    one = by_ref(execution, "1")
    assert handle(engine, StartStage(execution.id, one.id)) == [
        (CompleteStage(execution.id, one.id), 0)
    ]
    stored = by_ref(engine.execution(execution.id), "1")
    assert "teleport" in stored.context["exception"]["details"]["error"]
    assert stored.context["beforeStagePlanningFailed"] is True


def test_context_expressions_are_evaluated_at_start(engine: InMemoryEngine) -> None:
    execution = save(
        engine,
        pipeline(
            engine,
            stage("1", image="repo/app:${parameters.tag}", broken="${nothing.here}"),
            trigger={"type": "manual", "parameters": {"tag": "v2"}},
        ),
    )
    handle(engine, StartStage(execution.id, by_ref(execution, "1").id))
    context = by_ref(engine.execution(execution.id), "1").context
    assert context["image"] == "repo/app:v2"
    assert context["broken"] == "${nothing.here}"
    assert "${nothing.here}" in context["expressionEvaluationSummary"]


def test_a_running_stage_ignores_start(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=3))
    assert handle(engine, StartStage(execution.id, by_ref(execution, "1").id)) == []
