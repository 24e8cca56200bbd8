"""Executions, stages and tasks as plain mutable data, in Spinnaker's execution JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.status import Status

JsonDict = dict[str, Any]


class SyntheticStageOwner(StrEnum):
    """Which phase of its parent a synthetic stage runs in."""

    STAGE_BEFORE = "STAGE_BEFORE"
    STAGE_AFTER = "STAGE_AFTER"


class ExecutionType(StrEnum):
    PIPELINE = "PIPELINE"
    ORCHESTRATION = "ORCHESTRATION"


@dataclass
class Task:
    """One step of a stage's task graph (Orca's `TaskExecution`)."""

    id: str
    name: str
    implementing_class: str
    status: Status = Status.NOT_STARTED
    start_time: int | None = None
    end_time: int | None = None
    stage_start: bool = False
    stage_end: bool = False
    loop_start: bool = False
    loop_end: bool = False
    task_exception_details: JsonDict = field(default_factory=dict)
    # Bumped whenever a RunTask is (re)scheduled; a RunTask carrying an older value is stale.
    run_generation: int = 0

    def to_dict(self) -> JsonDict:
        return {
            "id": self.id,
            "name": self.name,
            "implementingClass": self.implementing_class,
            "status": self.status.value,
            "startTime": self.start_time,
            "endTime": self.end_time,
            "stageStart": self.stage_start,
            "stageEnd": self.stage_end,
            "loopStart": self.loop_start,
            "loopEnd": self.loop_end,
            "taskExceptionDetails": self.task_exception_details,
            "runGeneration": self.run_generation,
        }

    @classmethod
    def from_dict(cls, data: JsonDict) -> Task:
        return cls(
            id=str(data["id"]),
            name=data["name"],
            implementing_class=data.get("implementingClass", ""),
            status=Status(data.get("status", "NOT_STARTED")),
            start_time=data.get("startTime"),
            end_time=data.get("endTime"),
            stage_start=bool(data.get("stageStart", False)),
            stage_end=bool(data.get("stageEnd", False)),
            loop_start=bool(data.get("loopStart", False)),
            loop_end=bool(data.get("loopEnd", False)),
            task_exception_details=dict(data.get("taskExceptionDetails") or {}),
            run_generation=int(data.get("runGeneration", 0)),
        )


@dataclass(eq=False)
class Stage:
    """One stage of a run (Orca's `StageExecution`); `context` is config plus runtime state."""

    id: str
    ref_id: str
    type: str
    name: str
    status: Status = Status.NOT_STARTED
    context: JsonDict = field(default_factory=dict)
    outputs: JsonDict = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    requisite_stage_ref_ids: list[str] = field(default_factory=list)
    parent_stage_id: str | None = None
    synthetic_stage_owner: SyntheticStageOwner | None = None
    start_time: int | None = None
    end_time: int | None = None
    start_time_expiry: int | None = None
    scheduled_time: int | None = None
    last_modified: JsonDict | None = None
    execution: Execution = field(default=None, repr=False)  # type: ignore[assignment]

    @property
    def is_synthetic(self) -> bool:
        return self.parent_stage_id is not None

    def task(self, task_id: str) -> Task | None:
        for task in self.tasks:
            if task.id == task_id:
                return task
        return None

    def merged_context(self) -> JsonDict:
        """Context over ancestors' outputs: a missing key falls back to the nearest ancestor."""
        from engine.graph import ancestors

        merged: JsonDict = {}
        for ancestor in reversed(ancestors(self)):
            merged.update(ancestor.outputs)
        merged.update(self.outputs)
        merged.update(self.context)
        return merged

    def to_dict(self) -> JsonDict:
        return {
            "id": self.id,
            "refId": self.ref_id,
            "type": self.type,
            "name": self.name,
            "status": self.status.value,
            "startTime": self.start_time,
            "endTime": self.end_time,
            "startTimeExpiry": self.start_time_expiry,
            "scheduledTime": self.scheduled_time,
            "requisiteStageRefIds": list(self.requisite_stage_ref_ids),
            "parentStageId": self.parent_stage_id,
            "syntheticStageOwner": (
                self.synthetic_stage_owner.value if self.synthetic_stage_owner else None
            ),
            "context": self.context,
            "outputs": self.outputs,
            "tasks": [task.to_dict() for task in self.tasks],
            "lastModified": self.last_modified,
        }

    @classmethod
    def from_dict(cls, data: JsonDict) -> Stage:
        owner = data.get("syntheticStageOwner")
        return cls(
            id=data["id"],
            ref_id=str(data.get("refId") or data["id"]),
            type=data["type"],
            name=data.get("name") or data["type"],
            status=Status(data.get("status", "NOT_STARTED")),
            context=dict(data.get("context") or {}),
            outputs=dict(data.get("outputs") or {}),
            tasks=[Task.from_dict(task) for task in data.get("tasks") or []],
            requisite_stage_ref_ids=[str(ref) for ref in data.get("requisiteStageRefIds") or []],
            parent_stage_id=data.get("parentStageId"),
            synthetic_stage_owner=SyntheticStageOwner(owner) if owner else None,
            start_time=data.get("startTime"),
            end_time=data.get("endTime"),
            start_time_expiry=data.get("startTimeExpiry"),
            scheduled_time=data.get("scheduledTime"),
            last_modified=data.get("lastModified"),
        )


@dataclass
class PausedDetails:
    """Who paused and resumed, plus every pause interval so paused time can be excluded exactly."""

    paused_by: str | None = None
    pause_time: int | None = None
    resumed_by: str | None = None
    resume_time: int | None = None
    intervals: list[list[int | None]] = field(default_factory=list)

    @property
    def is_paused(self) -> bool:
        return bool(self.intervals) and self.intervals[-1][1] is None

    def paused_ms(self, *, since: int, now: int) -> int:
        """Paused time overlapping [since, now]."""
        total = 0
        for start, end in self.intervals:
            lower = max(start if start is not None else since, since)
            upper = min(end if end is not None else now, now)
            total += max(0, upper - lower)
        return total

    def to_dict(self) -> JsonDict:
        closed = sum(
            end - start for start, end in self.intervals if start is not None and end is not None
        )
        return {
            "pausedBy": self.paused_by,
            "pauseTime": self.pause_time,
            "resumedBy": self.resumed_by,
            "resumeTime": self.resume_time,
            "pausedMs": closed,
            "isPaused": self.is_paused,
            "intervals": [list(interval) for interval in self.intervals],
        }

    @classmethod
    def from_dict(cls, data: JsonDict) -> PausedDetails:
        return cls(
            paused_by=data.get("pausedBy"),
            pause_time=data.get("pauseTime"),
            resumed_by=data.get("resumedBy"),
            resume_time=data.get("resumeTime"),
            intervals=[list(interval) for interval in data.get("intervals") or []],
        )


class _StageIndex:
    """Lookups by id, refId, parent and upstream refId, rebuilt after structural changes."""

    __slots__ = ("by_id", "by_ref", "children", "dependents", "size")

    def __init__(self, stages: list[Stage]) -> None:
        self.size = len(stages)
        self.by_id: dict[str, Stage] = {}
        self.by_ref: dict[str, Stage] = {}
        self.children: dict[str, list[Stage]] = {}
        self.dependents: dict[str, list[Stage]] = {}
        for stage in stages:
            self.by_id[stage.id] = stage
            self.by_ref[stage.ref_id] = stage
            if stage.parent_stage_id is not None:
                self.children.setdefault(stage.parent_stage_id, []).append(stage)
            for ref in stage.requisite_stage_ref_ids:
                self.dependents.setdefault(ref, []).append(stage)


@dataclass(eq=False)
class Execution:
    """A pipeline run (Orca's `PipelineExecution`); parents are linked by id, never embedded."""

    id: str
    application: str
    name: str | None = None
    type: ExecutionType = ExecutionType.PIPELINE
    pipeline_config_id: str | None = None
    status: Status = Status.NOT_STARTED
    build_time: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    start_time_expiry: int | None = None
    canceled: bool = False
    canceled_by: str | None = None
    cancellation_reason: str | None = None
    paused: PausedDetails | None = None
    trigger: JsonDict = field(default_factory=dict)
    authentication: JsonDict = field(default_factory=dict)
    limit_concurrent: bool = False
    keep_waiting_pipelines: bool = False
    max_concurrent_executions: int = 0
    origin: str | None = None
    spel_evaluator: str | None = "v4"
    description: str | None = None
    notifications: list[Any] = field(default_factory=list)
    time_zone: str = "UTC"
    # The tenant (team slug): application names, accounts and pipeline names are per team.
    team: str | None = None
    parent_execution_id: str | None = None
    parent_stage_id: str | None = None
    stages: list[Stage] = field(default_factory=list)
    _index: _StageIndex | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for stage in self.stages:
            stage.execution = self

    # -- stage lookups -------------------------------------------------------------------------

    def _lookup(self) -> _StageIndex:
        index = self._index
        if index is None or index.size != len(self.stages):
            index = self._index = _StageIndex(self.stages)
        return index

    def reindex(self) -> None:
        """Forget the lookup tables; call after editing `requisite_stage_ref_ids` in place."""
        self._index = None

    def stage(self, stage_id: str) -> Stage | None:
        return self._lookup().by_id.get(stage_id)

    def stage_by_ref(self, ref_id: str) -> Stage | None:
        return self._lookup().by_ref.get(ref_id)

    def children_of(self, stage_id: str) -> list[Stage]:
        return self._lookup().children.get(stage_id, [])

    def dependents_of(self, ref_id: str) -> list[Stage]:
        return self._lookup().dependents.get(ref_id, [])

    def add_stage(self, stage: Stage) -> None:
        stage.execution = self
        self.stages.append(stage)
        self._index = None

    def remove_stage(self, stage_id: str) -> None:
        self.stages = [stage for stage in self.stages if stage.id != stage_id]
        self._index = None

    # -- execution-level bookkeeping -------------------------------------------------------------

    def mark_canceled(self, *, user: str | None, reason: str | None, now: int) -> None:
        """Orca's `repository.cancel`: flag it; a run that never started is CANCELED at once."""
        self.canceled = True
        self.canceled_by = user
        self.cancellation_reason = reason
        if self.status == Status.NOT_STARTED:
            self.status = Status.CANCELED
            self.end_time = now

    def mark_paused(self, *, user: str | None, now: int) -> None:
        details = self.paused or PausedDetails()
        details.paused_by = user
        details.pause_time = now
        details.intervals.append([now, None])
        self.paused = details
        self.status = Status.PAUSED

    def mark_resumed(self, *, user: str | None, now: int) -> None:
        details = self.paused or PausedDetails()
        details.resumed_by = user
        details.resume_time = now
        if details.is_paused:
            details.intervals[-1][1] = now
        self.paused = details
        self.status = Status.RUNNING

    def paused_ms(self, *, since: int, now: int) -> int:
        return self.paused.paused_ms(since=since, now=now) if self.paused else 0

    # -- serialisation ---------------------------------------------------------------------------

    def header_dict(self) -> JsonDict:
        """Every execution-level field (what `update_execution` writes), without the stages."""
        return {
            "type": self.type.value,
            "id": self.id,
            "application": self.application,
            "name": self.name,
            "description": self.description,
            "pipelineConfigId": self.pipeline_config_id,
            "status": self.status.value,
            "buildTime": self.build_time,
            "startTime": self.start_time,
            "endTime": self.end_time,
            "startTimeExpiry": self.start_time_expiry,
            "canceled": self.canceled,
            "canceledBy": self.canceled_by,
            "cancellationReason": self.cancellation_reason,
            "paused": self.paused.to_dict() if self.paused else None,
            "trigger": self.trigger,
            "authentication": self.authentication,
            "limitConcurrent": self.limit_concurrent,
            "keepWaitingPipelines": self.keep_waiting_pipelines,
            "maxConcurrentExecutions": self.max_concurrent_executions,
            "origin": self.origin,
            "spelEvaluator": self.spel_evaluator,
            "notifications": self.notifications,
            "timeZone": self.time_zone,
            "team": self.team,
            "parentExecutionId": self.parent_execution_id,
            "parentPipelineStageId": self.parent_stage_id,
        }

    def to_dict(self) -> JsonDict:
        data = self.header_dict()
        data["stages"] = [stage.to_dict() for stage in self.stages]
        return data

    @classmethod
    def from_dict(cls, data: JsonDict) -> Execution:
        paused = data.get("paused")
        return cls(
            id=data["id"],
            type=ExecutionType(data.get("type") or "PIPELINE"),
            application=data.get("application") or "",
            name=data.get("name"),
            description=data.get("description"),
            pipeline_config_id=data.get("pipelineConfigId"),
            status=Status(data.get("status") or "NOT_STARTED"),
            build_time=data.get("buildTime"),
            start_time=data.get("startTime"),
            end_time=data.get("endTime"),
            start_time_expiry=data.get("startTimeExpiry"),
            canceled=bool(data.get("canceled", False)),
            canceled_by=data.get("canceledBy"),
            cancellation_reason=data.get("cancellationReason"),
            paused=PausedDetails.from_dict(paused) if paused else None,
            trigger=dict(data.get("trigger") or {}),
            authentication=dict(data.get("authentication") or {}),
            limit_concurrent=bool(data.get("limitConcurrent", False)),
            keep_waiting_pipelines=bool(data.get("keepWaitingPipelines", False)),
            max_concurrent_executions=int(data.get("maxConcurrentExecutions") or 0),
            origin=data.get("origin"),
            spel_evaluator=data.get("spelEvaluator"),
            notifications=list(data.get("notifications") or []),
            time_zone=data.get("timeZone") or "UTC",
            team=data.get("team"),
            parent_execution_id=data.get("parentExecutionId"),
            parent_stage_id=data.get("parentPipelineStageId"),
            stages=[Stage.from_dict(stage) for stage in data.get("stages") or []],
        )
