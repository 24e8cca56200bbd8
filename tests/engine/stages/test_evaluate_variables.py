"""The `evaluateVariables` stage."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, run, stage


def test_variables_are_evaluated_in_order_into_outputs(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage(
            "vars",
            type="evaluateVariables",
            variables=[
                {"key": "env", "value": "${parameters.env}"},
                {"key": "namespace", "value": "shop-${env}"},
                {"key": "replicas", "value": 3},
            ],
        ),
        stage("use", "vars", target="${namespace}"),
        trigger={"type": "manual", "parameters": {"env": "prod"}},
    )
    assert execution.status == Status.SUCCEEDED
    variables = by_ref(execution, "vars")
    assert variables.outputs == {"env": "prod", "namespace": "shop-prod", "replicas": 3}
    assert variables.context["variables"][1] == {
        "key": "namespace",
        "value": "shop-prod",
        "sourceValue": "shop-${env}",
    }
    assert by_ref(execution, "use").context["target"] == "shop-prod"


def test_a_failed_variable_fails_the_stage(engine: InMemoryEngine) -> None:
    execution = run(
        engine,
        stage("vars", type="evaluateVariables", variables=[{"key": "x", "value": "${nope}"}]),
    )
    assert execution.status == Status.TERMINAL
    context = by_ref(execution, "vars").context
    assert context["exception"]["details"]["errors"] == ["Failed to evaluate [${nope}]"]
    assert "${nope}" in context["expressionEvaluationSummary"]
