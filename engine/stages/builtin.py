"""The general-purpose stage types every installation has."""

from __future__ import annotations

import random

from engine.ports import Clock, ExpressionProcessor
from engine.stages.check_preconditions import CheckPreconditionsStage
from engine.stages.evaluate_variables import EvaluateVariablesStage
from engine.stages.execution_window import ExecutionWindowStage
from engine.stages.manual_judgment import ManualJudgmentStage
from engine.stages.registry import StageTypeRegistry
from engine.stages.wait import WaitStage


def builtin_registry(
    *, clock: Clock, expressions: ExpressionProcessor, rng: random.Random | None = None
) -> StageTypeRegistry:
    """Registry of wait, manualJudgment, checkPreconditions, evaluateVariables and the window."""
    return StageTypeRegistry(
        [
            WaitStage(clock=clock),
            ManualJudgmentStage(clock=clock),
            CheckPreconditionsStage(expressions=expressions),
            EvaluateVariablesStage(expressions=expressions),
            ExecutionWindowStage(clock=clock, rng=rng),
        ]
    )
