"""PipelineLauncher for the `pipeline` stage: the child run is written in the parent's
transaction (a crash leaves neither) and linked to its parent by id, in the same team."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apps.core.errors import PlatformError
from apps.executions.adapters.queue import DatabaseMessageQueue
from apps.executions.adapters.repository import DjangoExecutionRepository
from apps.executions.parameters import resolve_parameters
from apps.executions.selectors import execution_prior_artifacts
from apps.pipelines.documents import render
from apps.pipelines.selectors import pipeline_get_for_start
from engine.artifacts import ArtifactResolutionError, bind_start_artifacts
from engine.errors import ChildPipelineError
from engine.launcher import build_execution, child_trigger
from engine.messages import StartExecution
from engine.model import Execution, Stage
from engine.ports import Clock


class DjangoPipelineLauncher:
    def __init__(self, *, clock: Clock, notify: Any) -> None:
        self._clock = clock
        self._notify = notify

    def start_child(
        self,
        *,
        parent: Execution,
        parent_stage: Stage,
        application: str,
        pipeline_id: str,
        parameters: Mapping[str, Any],
        artifacts: Sequence[Mapping[str, Any]],
        user: str | None,
    ) -> str:
        try:
            pipeline = pipeline_get_for_start(pipeline_id=pipeline_id)
            if pipeline.application.team.slug != parent.team:
                raise ChildPipelineError(f"pipeline {pipeline_id} not found")
            config = render(pipeline, application_name=pipeline.application.name)
            resolved = resolve_parameters(config, dict(parameters))
        except PlatformError as error:
            raise ChildPipelineError(error.message) from error
        trigger = child_trigger(
            parent=parent,
            parent_stage=parent_stage,
            config=config,
            parameters=resolved,
            artifacts=artifacts,
            user=user,
        )
        try:
            trigger["resolvedExpectedArtifacts"], trigger["artifacts"] = bind_start_artifacts(
                config=config,
                trigger=trigger,
                received=trigger["artifacts"],
                prior=lambda: execution_prior_artifacts(pipeline_id),
            )
        except ArtifactResolutionError as error:
            raise ChildPipelineError(str(error)) from error
        child = build_execution(
            config,
            trigger=trigger,
            application=pipeline.application.name,
            user=trigger["user"],
            time_zone=parent.time_zone,
            clock=self._clock,
            team=parent.team,
        )
        DjangoExecutionRepository().store(child)
        DatabaseMessageQueue(clock=self._clock, notify=self._notify).push(StartExecution(child.id))
        return child.id
