"""The ExpressionProcessor port on top of `engine.expressions` (Orca's environment for a stage)."""

from __future__ import annotations

from typing import Any

from engine.authentication import authenticated_user
from engine.expressions import (
    ExpressionEnvironment,
    ExpressionError,
    PipelineIdLookup,
    UrlFetcher,
    evaluate,
    process,
    stage_variables,
)
from engine.graph import ancestors
from engine.model import Execution, Stage
from engine.outbound import OutboundClient
from engine.ports import Clock, ExpressionResult


class PipelineExpressions:
    """Evaluates against the execution in Spinnaker's JSON shape and the stage's merged context.

    `pipeline_id_lookup` backs `#pipelineId`. The URL helpers (`#fromUrl`, `#jsonFromUrl`,
    `#yamlFromUrl`, `#propertiesFromUrl`) are off unless `outbound` is given (they then GET
    through it, under its SSRF policy) or a custom `url_fetcher`, which must apply one itself.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        pipeline_id_lookup: PipelineIdLookup | None = None,
        url_fetcher: UrlFetcher | None = None,
        outbound: OutboundClient | None = None,
    ) -> None:
        self._clock = clock
        self._pipeline_id_lookup = pipeline_id_lookup
        self._url_fetcher = url_fetcher or (outbound.fetch_text if outbound else None)

    def process(self, value: Any, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        processed = process(value, self.environment(execution, stage))
        return ExpressionResult(processed.value, processed.summary)

    def evaluate(self, text: str, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        try:
            return ExpressionResult(evaluate(text, self.environment(execution, stage)))
        except ExpressionError as error:
            note = {
                "description": f"Failed to evaluate [{text}]: {error}".replace("$", ""),
                "exceptionType": type(error).__name__,
                "level": "ERROR",
                "timestamp": self._clock.now_ms(),
            }
            return ExpressionResult(None, {text: [note]})

    def environment(self, execution: Execution, stage: Stage | None) -> ExpressionEnvironment:
        document = execution.to_dict()
        if stage is None:
            return ExpressionEnvironment(
                variables=stage_variables(execution=document, stage_context={}),
                execution=document,
                now_ms=self._clock.now_ms,
                current_user=execution.authentication.get("user"),
                pipeline_id_lookup=self._pipeline_id_lookup,
                url_fetcher=self._url_fetcher,
            )
        stage_document = next(
            (each for each in document["stages"] if each["id"] == stage.id), stage.to_dict()
        )
        # Orca's StageContext looks at the stage's own outputs first, then its ancestors'.
        outputs = [stage.outputs, *(ancestor.outputs for ancestor in ancestors(stage))]
        return ExpressionEnvironment.for_stage(
            execution=document,
            stage=stage_document,
            ancestor_outputs=outputs,
            now_ms=self._clock.now_ms,
            current_user=authenticated_user(stage)["user"],
            pipeline_id_lookup=self._pipeline_id_lookup,
            url_fetcher=self._url_fetcher,
        )
