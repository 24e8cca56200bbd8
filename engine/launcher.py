"""A Spinnaker pipeline config plus a trigger -> a NOT_STARTED execution (PipelineBuilder)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import PipelineConfigError
from engine.ids import new_id
from engine.model import Execution, ExecutionType, Stage
from engine.ports import Clock

# Stage keys that become stage fields; everything else of a stage becomes its context.
_STAGE_FIELDS = frozenset({"name", "type", "refId", "requisiteStageRefIds", "startTimeExpiry"})


def build_execution(
    config: Mapping[str, Any],
    *,
    trigger: Mapping[str, Any],
    application: str,
    user: str,
    time_zone: str,
    clock: Clock,
    team: str | None = None,
) -> Execution:
    """A new execution for `config`; raises PipelineConfigError with a JSON pointer."""
    now = clock.now_ms()
    run_trigger = _trigger(config, trigger, user)
    parent = trigger.get("parentExecution")
    parent_id = trigger.get("parentExecutionId") or (
        parent.get("id") if isinstance(parent, Mapping) else None
    )
    return Execution(
        id=new_id(clock),
        type=ExecutionType.PIPELINE,
        application=application,
        name=config.get("name"),
        description=config.get("description"),
        pipeline_config_id=config.get("id"),
        build_time=now,
        trigger=run_trigger,
        authentication={
            "user": run_trigger["user"],
            "allowedAccounts": list(trigger.get("allowedAccounts") or []),
        },
        limit_concurrent=bool(config.get("limitConcurrent", False)),
        keep_waiting_pipelines=bool(config.get("keepWaitingPipelines", False)),
        max_concurrent_executions=int(config.get("maxConcurrentExecutions") or 0),
        origin=str(config.get("origin") or trigger.get("origin") or "api"),
        spel_evaluator=str(config.get("spelEvaluator") or "v4"),
        notifications=copy.deepcopy(list(config.get("notifications") or [])),
        time_zone=time_zone,
        team=team,
        parent_execution_id=parent_id,
        parent_stage_id=trigger.get("parentPipelineStageId"),
        stages=[
            _stage(stage, position, clock)
            for position, stage in enumerate(config.get("stages") or [])
        ],
    )


def _trigger(config: Mapping[str, Any], trigger: Mapping[str, Any], user: str) -> dict[str, Any]:
    """A copy of the trigger with defaults; a parent execution is referenced, never embedded."""
    run_trigger = {
        key: copy.deepcopy(value) for key, value in trigger.items() if key != "parentExecution"
    }
    run_trigger.setdefault("type", "manual")
    run_trigger["user"] = run_trigger.get("user") or user
    parameters = dict(run_trigger.get("parameters") or {})
    for parameter in config.get("parameterConfig") or []:
        name = parameter.get("name") if isinstance(parameter, Mapping) else None
        if name and name not in parameters:
            parameters[name] = copy.deepcopy(parameter.get("default"))
    run_trigger["parameters"] = parameters
    run_trigger.setdefault("artifacts", [])
    return run_trigger


def _stage(config: Any, position: int, clock: Clock) -> Stage:
    pointer = f"/stages/{position}"
    if not isinstance(config, Mapping):
        raise PipelineConfigError("a stage must be an object", pointer=pointer)
    stage_type = config.get("type")
    if not isinstance(stage_type, str) or not stage_type:
        raise PipelineConfigError("type missing from the stage", pointer=f"{pointer}/type")
    ref_id = config.get("refId")
    if ref_id is None or ref_id == "":
        raise PipelineConfigError("refId missing from the stage", pointer=f"{pointer}/refId")
    requisites = config.get("requisiteStageRefIds") or []
    if not isinstance(requisites, list):
        raise PipelineConfigError(
            "requisiteStageRefIds must be a list", pointer=f"{pointer}/requisiteStageRefIds"
        )
    expiry = config.get("startTimeExpiry")
    return Stage(
        id=new_id(clock),
        ref_id=str(ref_id),
        type=stage_type,
        name=str(config.get("name") or stage_type),
        context={
            key: copy.deepcopy(value) for key, value in config.items() if key not in _STAGE_FIELDS
        },
        requisite_stage_ref_ids=[str(ref) for ref in requisites],
        start_time_expiry=int(expiry) if isinstance(expiry, int | float | str) and expiry else None,
    )


def child_trigger(
    *,
    parent: Execution,
    parent_stage: Stage,
    config: Mapping[str, Any],
    parameters: Mapping[str, Any],
    artifacts: Sequence[Mapping[str, Any]],
    user: str | None,
) -> dict[str, Any]:
    """The trigger of a `pipeline` stage's child run (DependentPipelineStarter's, by reference).

    The parent is named by id (`parentExecutionId`, `parentPipelineStageId`), never embedded.
    `correlationId` is stable for one start of the parent stage, so a platform can refuse a
    second child for the same start.
    """
    return {
        "type": "pipeline",
        "user": user or parent.authentication.get("user") or "[anonymous]",
        "parentExecutionId": parent.id,
        "parentPipelineStageId": parent_stage.id,
        "parentPipelineId": parent.pipeline_config_id,
        "parentPipelineName": parent.name,
        "parentPipelineApplication": parent.application,
        "parameters": copy.deepcopy(dict(parameters)),
        "artifacts": copy.deepcopy([dict(artifact) for artifact in artifacts]),
        "correlationId": (
            f"{parent.id}_{parent_stage.id}_{config.get('id')}_{parent_stage.start_time}"
        ),
        "dryRun": bool(parent.trigger.get("dryRun", False)),
    }
