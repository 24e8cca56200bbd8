"""The general-purpose stage types every installation has."""

from __future__ import annotations

import random

from engine.outbound import OutboundClient
from engine.ports import Clock, ExecutionRepository, ExpressionProcessor, PipelineLauncher
from engine.stages.check_preconditions import CheckPreconditionsStage
from engine.stages.evaluate_variables import EvaluateVariablesStage
from engine.stages.execution_window import ExecutionWindowStage
from engine.stages.find_artifact_from_execution import FindArtifactFromExecutionStage
from engine.stages.manual_judgment import ManualJudgmentStage
from engine.stages.pipeline import PipelineStage
from engine.stages.registry import StageTypeRegistry
from engine.stages.wait import WaitStage
from engine.stages.webhook import WebhookSettings, WebhookStage


def builtin_registry(
    *,
    clock: Clock,
    expressions: ExpressionProcessor,
    rng: random.Random | None = None,
    repository: ExecutionRepository | None = None,
    pipeline_launcher: PipelineLauncher | None = None,
    outbound: OutboundClient | None = None,
    webhook_settings: WebhookSettings | None = None,
) -> StageTypeRegistry:
    """wait, manualJudgment, checkPreconditions, evaluateVariables, the window and webhook.

    `webhook` calls out through `outbound` (default: `OutboundClient()` with the default
    policy, which refuses metadata and link-local addresses). With a `repository`,
    `findArtifactFromExecution` is registered too, and with a `pipeline_launcher` as well,
    `pipeline`.
    """
    if pipeline_launcher is not None and repository is None:
        raise ValueError("the pipeline stage needs the repository to watch its child runs")
    registry = StageTypeRegistry(
        [
            WaitStage(clock=clock),
            ManualJudgmentStage(clock=clock),
            CheckPreconditionsStage(expressions=expressions),
            EvaluateVariablesStage(expressions=expressions),
            ExecutionWindowStage(clock=clock, rng=rng),
            WebhookStage(
                client=outbound or OutboundClient(), clock=clock, settings=webhook_settings
            ),
        ]
    )
    if repository is not None:
        registry.register(FindArtifactFromExecutionStage(repository=repository))
        if pipeline_launcher is not None:
            registry.register(PipelineStage(launcher=pipeline_launcher, repository=repository))
    return registry
