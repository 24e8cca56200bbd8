"""ExecutionRepository on the ORM: one row per execution and per stage, granular writes, and a
per-worker cache validated by the execution row's version (so a message costs no reload)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from apps.applications.models import Application
from apps.executions import models
from apps.executions.adapters import sql
from engine.errors import ExecutionNotFoundError
from engine.model import Execution, Stage
from engine.status import Status

_POSITION = "_cdp_next_position"  # attribute kept on cached engine executions


def _trigger_type(execution: Execution) -> str:
    return str(execution.trigger.get("type") or "manual")[:40]


# execution id -> application id, filled as executions are stored or loaded (the event
# publisher's group name needs it, and a query per event would be wasted).
_APPLICATION_IDS: OrderedDict[str, int] = OrderedDict()


def remember_application(execution_id: str, application_id: int) -> None:
    _APPLICATION_IDS[execution_id] = application_id
    while len(_APPLICATION_IDS) > 20_000:
        _APPLICATION_IDS.popitem(last=False)


def application_id_of(execution_id: str) -> int | None:
    return _APPLICATION_IDS.get(execution_id)


def execution_from_rows(row: models.Execution, stage_rows: list[Any]) -> Execution:
    data = dict(row.header)
    data["stages"] = [stage["data"] for stage in stage_rows]
    execution = Execution.from_dict(data)
    next_position = max((stage["position"] for stage in stage_rows), default=-1) + 1
    setattr(execution, _POSITION, next_position)
    return execution


class DjangoExecutionRepository:
    """Implements `engine.ports.ExecutionRepository`. Not thread-safe: one per worker thread."""

    def __init__(self, *, cache_size: int = 0) -> None:
        self._cache_size = cache_size
        self._cache: OrderedDict[str, tuple[int, Execution]] = OrderedDict()
        # Executions handed out inside the current unit of work: id -> (version read, object).
        self._active: dict[str, tuple[int, Execution]] = {}
        self._written: set[str] = set()
        self._depth = 0
        self._scope: dict[tuple[str, str], tuple[int, int]] = {}
        # Rows locked in the current transaction, with the version the lock read.
        self._locked: dict[str, int | None] = {}
        # Writes are coalesced and flushed once before the transaction commits: a stage that
        # changes five times in a batch is written once (nobody can see the others anyway).
        self._dirty_stages: dict[str, Stage] = {}
        self._dirty_executions: dict[str, Execution] = {}

    # ------------------------------------------------------------------ unit of work

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several messages in one database transaction: versions bumped once, at the end."""
        with self.transaction(None):
            yield

    @contextmanager
    def transaction(self, execution_id: str | None) -> Iterator[None]:
        outermost = self._depth == 0
        self._depth += 1
        try:
            # Inside a worker's transaction a savepoint buys nothing: any error aborts it all.
            with transaction.atomic(savepoint=False):
                if execution_id is not None:
                    self._lock(execution_id)
                yield
                if outermost:
                    self._flush()
                    self._bump_versions()
        except BaseException:
            if outermost:
                self._active.clear()
                self._written.clear()
                self._dirty_stages.clear()
                self._dirty_executions.clear()
            raise
        finally:
            self._depth -= 1
            if outermost:
                self._locked.clear()
        if outermost:
            active, self._active = self._active, {}
            written, self._written = self._written, set()
            transaction.on_commit(lambda: self._recache(active, written), robust=True)

    def _lock(self, execution_id: str) -> None:
        """Once per transaction and execution; on SQLite the IMMEDIATE transaction already
        holds the database's write lock. The lock's read gives `retrieve` its version."""
        if execution_id in self._locked or not connection.features.has_select_for_update:
            return
        found = sql.fetchone("lock_execution", [execution_id])
        self._locked[execution_id] = found[0] if found is not None else None

    def _bump_versions(self) -> None:
        for execution_id in self._written:
            sql.execute("bump_version", [execution_id])

    def _recache(self, active: dict[str, tuple[int, Execution]], written: set[str]) -> None:
        if not self._cache_size:
            return
        for execution_id, (version, execution) in active.items():
            new_version = version + 1 if execution_id in written else version
            self._cache[execution_id] = (new_version, execution)
            self._cache.move_to_end(execution_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    # ------------------------------------------------------------------ reads

    def retrieve(self, execution_id: str) -> Execution:
        active = self._active.get(execution_id)
        if active is not None:
            return active[1]
        locked_version = self._locked.get(execution_id)
        if locked_version is not None:
            version = locked_version
        else:
            found = sql.fetchone("execution_version", [execution_id])
            if found is None:
                raise ExecutionNotFoundError(execution_id)
            version = found[0]
        cached = self._cache.pop(execution_id, None)
        if cached is not None and cached[0] == version:
            execution = cached[1]
        else:
            execution = self._load(execution_id)
        self._active[execution_id] = (version, execution)
        return execution

    def peek(self, execution_id: str) -> Execution:
        """Outside a unit of work, to look only (never change what it returns): the cached
        copy when its version is current, else a fresh read."""
        cached = self._cache.get(execution_id)
        if cached is not None:
            found = sql.fetchone("execution_version", [execution_id])
            if found is not None and found[0] == cached[0]:
                return cached[1]
        return self.load_detached(execution_id)

    def load_detached(self, execution_id: str) -> Execution:
        """A fresh read for work outside a unit of work (never cached or handed out again)."""
        try:
            return self._load(execution_id)
        except models.Execution.DoesNotExist:
            raise ExecutionNotFoundError(execution_id) from None

    def _load(self, execution_id: str) -> Execution:
        row = models.Execution.objects.get(pk=execution_id)
        remember_application(execution_id, row.application_id)
        stages = list(
            models.StageExecution.objects.filter(execution_id=execution_id)
            .order_by("position")
            .values("position", "data")
        )
        return execution_from_rows(row, stages)

    def retrieve_latest_for_pipeline(
        self, pipeline_config_id: str, *, statuses: Collection[Status] | None = None
    ) -> Execution | None:
        rows = models.Execution.objects.filter(pipeline_config_id=pipeline_config_id)
        if statuses is not None:
            rows = rows.filter(status__in=[status.value for status in statuses])
        execution_id = rows.order_by("-build_time", "-id").values_list("pk", flat=True).first()
        return self.retrieve(execution_id) if execution_id else None

    # ------------------------------------------------------------------ writes

    def _scope_ids(self, execution: Execution) -> tuple[int, int]:
        key = (execution.team or "", execution.application)
        found = self._scope.get(key)
        if found is None:
            application = (
                Application.objects.filter(team__slug=execution.team, name=execution.application)
                .values_list("team_id", "pk")
                .first()
            )
            if application is None:
                raise ExecutionNotFoundError(
                    f"application {execution.application!r} of team {execution.team!r}"
                )
            found = self._scope[key] = application
        return found

    def store(self, execution: Execution) -> None:
        team_id, application_id = self._scope_ids(execution)
        models.Execution.objects.create(
            pk=execution.id,
            team_id=team_id,
            application_id=application_id,
            **self._columns(execution),
        )
        models.StageExecution.objects.bulk_create(
            [self._stage_row(stage, position) for position, stage in enumerate(execution.stages)]
        )
        setattr(execution, _POSITION, len(execution.stages))
        remember_application(execution.id, application_id)
        self._active[execution.id] = (0, execution)
        self._written.add(execution.id)

    def _columns(self, execution: Execution) -> dict[str, Any]:
        return {
            "pipeline_config_id": execution.pipeline_config_id or "",
            "name": (execution.name or "")[:255],
            "status": execution.status.value,
            "trigger_type": _trigger_type(execution),
            "build_time": execution.build_time or 0,
            "start_time": execution.start_time,
            "end_time": execution.end_time,
            "canceled": execution.canceled,
            "parent_execution_id": execution.parent_execution_id or "",
            "header": execution.header_dict(),
        }

    @staticmethod
    def _stage_row(stage: Stage, position: int) -> models.StageExecution:
        return models.StageExecution(
            pk=stage.id,
            execution_id=stage.execution.id,
            position=position,
            ref_id=stage.ref_id[:128],
            type=stage.type[:100],
            status=stage.status.value,
            data=stage.to_dict(),
        )

    def store_stage(self, stage: Stage) -> None:
        self._dirty_stages[stage.id] = stage
        self._written.add(stage.execution.id)
        if self._depth == 0:
            self._flush()

    def _flush(self) -> None:
        stages, self._dirty_stages = self._dirty_stages, {}
        executions, self._dirty_executions = self._dirty_executions, {}
        for stage in stages.values():
            updated = sql.execute(
                "update_stage",
                [
                    stage.status.value,
                    stage.ref_id[:128],
                    stage.type[:100],
                    sql.dumps(stage.to_dict()),
                    stage.id,
                ],
            )
            if not updated:
                self.add_stage(stage)
        for execution in executions.values():
            self._write_execution(execution)

    def add_stage(self, stage: Stage) -> None:
        execution = stage.execution
        position = getattr(execution, _POSITION, None)
        if position is None:
            position = (
                models.StageExecution.objects.filter(execution_id=execution.id)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            position = 0 if position is None else position + 1
        self._stage_row(stage, position).save(force_insert=True)
        setattr(execution, _POSITION, position + 1)
        self._written.add(execution.id)

    def remove_stage(self, execution: Execution, stage_id: str) -> None:
        self._dirty_stages.pop(stage_id, None)
        models.StageExecution.objects.filter(pk=stage_id, execution_id=execution.id).delete()
        self._written.add(execution.id)

    def update_execution(self, execution: Execution) -> None:
        self._dirty_executions[execution.id] = execution
        self._written.add(execution.id)
        if self._depth == 0:
            self._flush()

    def _write_execution(self, execution: Execution) -> None:
        columns = self._columns(execution)
        sql.execute(
            "update_execution",
            [
                columns["pipeline_config_id"],
                columns["name"],
                columns["status"],
                columns["trigger_type"],
                columns["build_time"],
                columns["start_time"],
                columns["end_time"],
                columns["canceled"],
                columns["parent_execution_id"],
                sql.dumps(columns["header"]),
                execution.id,
            ],
        )
        self._written.add(execution.id)
