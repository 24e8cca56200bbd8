"""`evaluateVariables`: evaluate `variables` in order into outputs; each sees the ones before it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from engine.model import Stage
from engine.ports import ExpressionProcessor
from engine.stage_expressions import SUMMARY_KEY, merge_summary
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult


class EvaluateVariablesTask(BaseTask):
    external_effects = False  # reads and writes only through the engine

    def __init__(self, expressions: ExpressionProcessor) -> None:
        self._expressions = expressions

    def execute(self, stage: Stage) -> TaskResult:
        evaluated: list[dict[str, Any]] = []
        outputs: dict[str, Any] = {}
        failures: list[str] = []
        for variable in stage.context.get("variables") or []:
            key = variable.get("key") if isinstance(variable, dict) else None
            if not key:
                continue
            source = variable.get("sourceValue", variable.get("value"))
            result = self._expressions.process(source, execution=stage.execution, stage=stage)
            # Later variables see this one through the stage's own outputs.
            stage.outputs[key] = result.value
            outputs[key] = result.value
            evaluated.append({"key": key, "value": result.value, "sourceValue": source})
            merge_summary(stage, result.summary)
            failures.extend(
                str(note.get("description", expression))
                for expression, notes in result.summary.items()
                for note in notes
            )
        context: dict[str, Any] = {"variables": evaluated}
        if not failures:
            return TaskResult(Status.SUCCEEDED, context, outputs)
        context[SUMMARY_KEY] = stage.context.get(SUMMARY_KEY)
        context["exception"] = {
            "details": {"error": "Failed to evaluate variables", "errors": failures}
        }
        return TaskResult(Status.TERMINAL, context, outputs)


class EvaluateVariablesStage(BaseStageBuilder):
    type = "evaluateVariables"

    def __init__(self, *, expressions: ExpressionProcessor) -> None:
        self.task = EvaluateVariablesTask(expressions)
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("evaluateVariables", self.task),)

    def expression_skip_keys(self, stage: Stage) -> Collection[str]:
        return ("variables",)
