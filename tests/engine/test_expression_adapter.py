"""Whole pipelines with the real expression language behind the ExpressionProcessor port."""

from __future__ import annotations

import pytest

from engine.expression_adapter import PipelineExpressions
from engine.memory import FixedClock, InMemoryEngine
from engine.stages.builtin import builtin_registry
from engine.status import Status
from tests.engine.support import ScriptedStage, by_ref, pipeline, run, stage, statuses

TRIGGER = {"type": "manual", "user": "alice", "parameters": {"env": "prod", "tag": "1.4.2"}}


@pytest.fixture
def engine() -> InMemoryEngine:
    clock = FixedClock()
    expressions = PipelineExpressions(clock=clock)
    registry = builtin_registry(clock=clock, expressions=expressions)
    registry.register(ScriptedStage())
    return InMemoryEngine(clock=clock, registry=registry, expressions=expressions, snapshot=True)


def test_trigger_parameters_outputs_and_stage_lookups(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("build", name="Build", outputs={"image": "shop"}),
        stage(
            "deploy",
            "build",
            imageRef="${image}:${parameters['tag']}",
            replicas="${parameters.env == 'prod' ? 3 : 1}",
            builtBy="${#stage('Build')['outputs']['image'].toUpperCase()}",
            who="${trigger.user}",
        ),
        trigger=TRIGGER,
    )
    deploy = by_ref(execution, "deploy").context
    assert deploy["imageRef"] == "shop:1.4.2"
    assert deploy["replicas"] == 3
    assert deploy["builtBy"] == "SHOP"
    assert deploy["who"] == "alice"
    assert "expressionEvaluationSummary" not in deploy


def test_stage_enabled_conditions(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage(
            "prod", stageEnabled={"type": "expression", "expression": "parameters.env == 'prod'"}
        ),
        stage(
            "test", stageEnabled={"type": "expression", "expression": "parameters.env == 'test'"}
        ),
        stage("odd", stageEnabled={"type": "expression", "expression": "parameters.env"}),
        stage("after", "prod", "test", "odd"),
        trigger=TRIGGER,
    )
    assert statuses(execution) == {
        "prod": "SUCCEEDED",
        "test": "SKIPPED",
        "odd": "SKIPPED",
        "after": "SUCCEEDED",
    }


def test_failed_expressions_are_reported_and_can_fail_the_stage(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("lenient", value="${parameters.missing.deeper}"),
        stage("strict", value="${nope()}", failOnFailedExpressions=True),
        trigger=TRIGGER,
    )
    lenient = by_ref(execution, "lenient")
    assert lenient.status == Status.SUCCEEDED
    assert lenient.context["value"] == "${parameters.missing.deeper}"
    assert lenient.context["exception"]["details"]["errors"]
    assert by_ref(execution, "strict").status == Status.TERMINAL
    assert execution.status == Status.TERMINAL


def test_judgment_input_drives_a_precondition_branch(engine: InMemoryEngine) -> None:
    execution = pipeline(
        engine,
        stage(
            "approve", type="manualJudgment", name="Strategy", propagateAuthenticationContext=True
        ),
        stage(
            "blue",
            "approve",
            type="checkPreconditions",
            preconditions=[
                {"type": "expression", "context": {"expression": "#judgment('Strategy') == 'blue'"}}
            ],
        ),
        stage(
            "vars",
            "approve",
            type="evaluateVariables",
            variables=[
                {"key": "color", "value": "${#judgment('Strategy')}"},
                {"key": "label", "value": "${color}-${parameters.tag}"},
            ],
        ),
        trigger=TRIGGER,
    )
    engine.start(execution)
    engine.run(advance_clock=False)
    approve = by_ref(engine.execution(execution.id), "approve")
    engine.operations.judge(
        execution_id=execution.id, stage_id=approve.id, status="continue", input="blue", user="lead"
    )
    engine.run(advance_clock=False)
    done = engine.execution(execution.id)
    assert done.status == Status.SUCCEEDED
    assert by_ref(done, "vars").outputs == {"color": "blue", "label": "blue-1.4.2"}
    environment = PipelineExpressions(clock=engine.clock).environment(done, by_ref(done, "blue"))
    assert environment.current_user == "lead"  # the judge, propagated downstream


def test_wait_time_from_an_expression(engine: InMemoryEngine) -> None:
    start = engine.clock.now_ms()
    execution = run(
        engine,
        stage("1", type="wait", waitTime="${#toInt(parameters.tag.split('\\.')[1]) * 10}"),
        trigger=TRIGGER,
    )
    assert by_ref(execution, "1").end_time == start + 40_000
