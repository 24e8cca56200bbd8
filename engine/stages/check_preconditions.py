"""`checkPreconditions`: fail (or stop the branch) unless every listed precondition holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.model import Stage
from engine.ports import ExpressionProcessor
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

# A check returns None when the precondition holds, else the reason it does not.
PreconditionCheck = Callable[[Stage, Mapping[str, Any]], "str | None"]


def _as_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


class ExpressionCheck:
    """`{type: expression, context: {expression, failureMessage}}`."""

    def __init__(self, expressions: ExpressionProcessor) -> None:
        self._expressions = expressions

    def __call__(self, stage: Stage, context: Mapping[str, Any]) -> str | None:
        expression = context.get("expression")
        outcome = _as_boolean(expression)
        if outcome is None and isinstance(expression, str) and "${" not in expression:
            result = self._expressions.evaluate(
                expression.strip(), execution=stage.execution, stage=stage
            )
            outcome = _as_boolean(result.value)
        if outcome is True:
            return None
        message = context.get("failureMessage")
        if isinstance(message, str) and message:
            return message
        if outcome is None:
            return f"Expression {expression!r} did not evaluate to true or false"
        return f"Expression check failed: {expression}"


def stage_status_check(stage: Stage, context: Mapping[str, Any]) -> str | None:
    """`{type: stageStatus, context: {stageName, stageStatus}}`."""
    name = context.get("stageName")
    expected = str(context.get("stageStatus") or "")
    found = next((each for each in stage.execution.stages if each.name == name), None)
    if found is None:
        return f"Failed to find stage {name!r} in this execution"
    if found.status.value != expected:
        return (
            f"The status of stage {name!r} was asserted to be {expected}, "
            f"but was actually {found.status.value}"
        )
    return None


class CheckPreconditionsTask(BaseTask):
    external_effects = False  # reads and writes only through the engine

    def __init__(self, checks: Mapping[str, PreconditionCheck]) -> None:
        self._checks = checks

    def execute(self, stage: Stage) -> TaskResult:
        hard: list[str] = []
        soft: list[str] = []
        for precondition in stage.context.get("preconditions") or []:
            if not isinstance(precondition, dict):
                hard.append(f"Precondition {precondition!r} is not an object")
                continue
            kind = str(precondition.get("type") or "")
            check = self._checks.get(kind)
            context = precondition.get("context") or {}
            reason = check(stage, context) if check else f"Unsupported precondition type {kind!r}"
            if reason is not None:
                # Each precondition's own failPipeline (default true) decides: fail or stop.
                (soft if precondition.get("failPipeline") is False else hard).append(reason)
        if not hard and not soft:
            return TaskResult.succeeded()
        errors = hard + soft
        status = Status.TERMINAL if hard else Status.STOPPED
        details = {"error": errors[0], "errors": errors}
        return TaskResult(status, {"exception": {"details": details}})


class CheckPreconditionsStage(BaseStageBuilder):
    type = "checkPreconditions"

    def __init__(
        self,
        *,
        expressions: ExpressionProcessor,
        checks: Mapping[str, PreconditionCheck] | None = None,
    ) -> None:
        """`checks` adds precondition types (e.g. a cloud driver's `clusterSize`)."""
        known: dict[str, PreconditionCheck] = {
            "expression": ExpressionCheck(expressions),
            "stageStatus": stage_status_check,
        }
        known.update(checks or {})
        self.task = CheckPreconditionsTask(known)
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("checkPreconditions", self.task),)
