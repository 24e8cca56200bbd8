"""The `checkPreconditions` stage."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, run, stage, statuses


def _check(*preconditions: dict[str, object], **options: object) -> dict[str, object]:
    return stage(
        "check", "first", type="checkPreconditions", preconditions=list(preconditions), **options
    )


def _expression(text: object, **extra: object) -> dict[str, object]:
    return {"type": "expression", "context": {"expression": text, **extra}}


TRIGGER = {"type": "manual", "parameters": {"env": "prod"}}


def test_passing_preconditions(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("first", name="first"),
        _check(
            _expression("parameters.env == 'prod'"),
            _expression("${parameters.env == 'prod'}"),
            {"type": "stageStatus", "context": {"stageName": "first", "stageStatus": "SUCCEEDED"}},
        ),
        stage("after", "check"),
        trigger=TRIGGER,
    )
    assert statuses(execution) == {"first": "SUCCEEDED", "check": "SUCCEEDED", "after": "SUCCEEDED"}


def test_a_failing_expression_fails_the_pipeline_with_its_message(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("first", name="first"),
        _check(_expression("parameters.env == 'test'", failureMessage="only for test")),
        stage("after", "check"),
        trigger=TRIGGER,
    )
    assert execution.status == Status.TERMINAL
    assert by_ref(execution, "check").context["exception"]["details"]["errors"] == ["only for test"]


def test_precondition_fail_pipeline_false_stops_only_the_branch(engine: InMemoryEngine) -> None:
    soft = {**_expression("false"), "failPipeline": False}
    execution = run(
        engine, stage("first", name="first"), _check(soft), stage("after", "check"), trigger=TRIGGER
    )
    assert statuses(execution) == {"first": "SUCCEEDED", "check": "STOPPED", "after": "NOT_STARTED"}
    assert execution.status == Status.SUCCEEDED


def test_stage_status_mismatch_and_unknown_types_fail(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("first", name="first"),
        _check(
            {"type": "stageStatus", "context": {"stageName": "first", "stageStatus": "TERMINAL"}},
            {"type": "clusterSize", "context": {}},
        ),
    )
    errors = by_ref(execution, "check").context["exception"]["details"]["errors"]
    assert errors == [
        "The status of stage 'first' was asserted to be TERMINAL, but was actually SUCCEEDED",
        "Unsupported precondition type 'clusterSize'",
    ]


def test_stage_failure_options_still_apply(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("first", name="first"),
        _check(_expression("false"), continuePipeline=True),
        stage("after", "check"),
    )
    assert statuses(execution)["check"] == "FAILED_CONTINUE"
    assert execution.status == Status.SUCCEEDED
