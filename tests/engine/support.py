"""Test doubles for engine tests: a context-driven stage type and a tiny expression fake."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from engine.launcher import build_execution
from engine.memory import FixedClock, InMemoryEngine
from engine.model import Execution, Stage
from engine.ports import ExpressionResult
from engine.stages.builder import BaseStageBuilder, SyntheticStage, TaskDefinition
from engine.stages.builtin import builtin_registry
from engine.status import Status
from engine.tasks import BaseTask, TaskResult, TaskRetryableError


class ScriptedTask(BaseTask):
    """Behaves as its stage context says.

    `outcome`: the final status (default SUCCEEDED); `polls`: RUNNING that many times first;
    `outputs` / `contextOut`: merged on success; `raise`: raise RuntimeError(text);
    `transientErrors`: raise TaskRetryableError that many times first.
    """

    retryable = True

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.canceled: list[str] = []

    def execute(self, stage: Stage) -> TaskResult:
        self.calls.append(stage.ref_id)
        context = stage.context
        if context.get("transientErrors", 0) > context.get("transientSeen", 0):
            context["transientSeen"] = context.get("transientSeen", 0) + 1
            raise TaskRetryableError("flaky")
        if "raise" in context:
            raise RuntimeError(context["raise"])
        polled = context.get("polled", 0)
        if polled < context.get("polls", 0):
            return TaskResult(Status.RUNNING, {"polled": polled + 1})
        return TaskResult(
            Status(context.get("outcome", "SUCCEEDED")),
            dict(context.get("contextOut", {})),
            dict(context.get("outputs", {})),
        )

    def on_cancel(self, stage: Stage) -> TaskResult | None:
        self.canceled.append(stage.ref_id)
        return TaskResult(Status.CANCELED, {"cleanedUp": True})

    def backoff_ms(self, stage: Stage) -> int:
        return 1_000


class ScriptedStage(BaseStageBuilder):
    """Stage type `script`: `tasks` names its tasks; `before`/`after`/`onFailure` list synthetics.

    Each synthetic entry is `{"name", "type" (default script), "context"}`.
    """

    type = "script"

    def __init__(self) -> None:
        self.task = ScriptedTask()
        self.tasks = (self.task,)
        self.canceled: list[str] = []
        self.skippable = True

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        names = stage.context.get("taskNames", ["run"])
        return [TaskDefinition(name, self.task) for name in names]

    def _specs(self, stage: Stage, key: str) -> list[SyntheticStage]:
        return [
            SyntheticStage(spec.get("type", "script"), spec["name"], spec.get("context", {}))
            for spec in stage.context.get(key, [])
        ]

    def before_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return self._specs(stage, "before")

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return self._specs(stage, "after")

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return self._specs(stage, "onFailure")

    def cancel(self, stage: Stage) -> None:
        self.canceled.append(stage.ref_id)
        stage.context["cancelCalled"] = True

    def can_manually_skip(self, stage: Stage) -> bool:
        return self.skippable

    def prepare_for_restart(self, stage: Stage) -> None:
        stage.context.pop("polled", None)

    def expression_skip_keys(self, stage: Stage) -> Collection[str]:
        return tuple(stage.context.get("lateKeys", ()))


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class PathExpressions:
    """`${a.b.c}` path lookups and `x == 'y'` comparisons; anything else fails, with a summary."""

    def _variables(self, execution: Execution, stage: Stage | None) -> dict[str, Any]:
        variables: dict[str, Any] = dict(stage.merged_context()) if stage else {}
        variables["trigger"] = execution.trigger
        variables["parameters"] = execution.trigger.get("parameters", {})
        return variables

    def _resolve(self, text: str, variables: dict[str, Any]) -> tuple[bool, Any]:
        text = text.strip()
        if "==" in text:
            left, right = (part.strip() for part in text.split("==", 1))
            found_left, value_left = self._resolve(left, variables)
            found_right, value_right = self._resolve(right, variables)
            return found_left and found_right, value_left == value_right
        if text in ("true", "false"):
            return True, text == "true"
        if len(text) >= 2 and text[0] == text[-1] == "'":
            return True, text[1:-1]
        if text.isdigit():
            return True, int(text)
        current: Any = variables
        for part in text.split("."):
            if not isinstance(current, dict) or part not in current:
                return False, None
            current = current[part]
        return True, current

    def _fail(self, text: str) -> dict[str, list[dict[str, Any]]]:
        return {text: [{"description": f"Failed to evaluate [{text}]", "level": "ERROR"}]}

    def process(self, value: Any, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        summary: dict[str, list[dict[str, Any]]] = {}
        variables = self._variables(execution, stage)

        def walk(item: Any) -> Any:
            if isinstance(item, dict):
                return {key: walk(sub) for key, sub in item.items()}
            if isinstance(item, list):
                return [walk(sub) for sub in item]
            if not isinstance(item, str) or "${" not in item:
                return item
            whole = _PLACEHOLDER.fullmatch(item)
            if whole:
                found, resolved = self._resolve(whole.group(1), variables)
                if not found:
                    summary.update(self._fail(item))
                    return item
                return resolved

            def substitute(match: re.Match[str]) -> str:
                found, resolved = self._resolve(match.group(1), variables)
                if not found:
                    summary.update(self._fail(match.group(0)))
                    return match.group(0)
                return str(resolved)

            return _PLACEHOLDER.sub(substitute, item)

        return ExpressionResult(walk(value), summary)

    def evaluate(self, text: str, *, execution: Execution, stage: Stage | None) -> ExpressionResult:
        found, value = self._resolve(text, self._variables(execution, stage))
        return ExpressionResult(value) if found else ExpressionResult(None, self._fail(text))


def make_engine(*, snapshot: bool = True, clock: FixedClock | None = None) -> InMemoryEngine:
    clock = clock or FixedClock()
    expressions = PathExpressions()
    registry = builtin_registry(clock=clock, expressions=expressions)
    registry.register(ScriptedStage())
    return InMemoryEngine(
        clock=clock, registry=registry, expressions=expressions, snapshot=snapshot
    )


def script_stage(engine: InMemoryEngine) -> ScriptedStage:
    builder = engine.registry.builder("script")
    assert isinstance(builder, ScriptedStage)
    return builder


def stage(ref: str, *requires: str, type: str = "script", **context: Any) -> dict[str, Any]:  # noqa: A002
    """A stage config: `stage("2", "1", outcome="TERMINAL")`."""
    return {"refId": ref, "type": type, "requisiteStageRefIds": list(requires), **context}


def pipeline(
    engine: InMemoryEngine,
    *stages: dict[str, Any],
    trigger: dict[str, Any] | None = None,
    time_zone: str = "UTC",
    **config: Any,
) -> Execution:
    """Build a NOT_STARTED execution of pipeline config `p1` (override with `id=`)."""
    full = {"id": "p1", "name": "test pipeline", "stages": list(stages), **config}
    return build_execution(
        full,
        trigger=trigger or {"type": "manual"},
        application="app",
        user="alice",
        time_zone=time_zone,
        clock=engine.clock,
    )


def run(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    """Start a pipeline, drive it until the queue is idle, return the stored execution."""
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run()
    return engine.execution(execution.id)


def statuses(execution: Execution) -> dict[str, str]:
    return {each.ref_id: each.status.value for each in execution.stages}


def started(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    """Start a pipeline and deliver what is due now without moving the clock; drop the rest.

    Leaves the run mid-flight (a polling task stays RUNNING) for handler tests.
    """
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run(advance_clock=False)
    engine.queue.clear()
    engine.queue.take_pushed()
    engine.events.events.clear()
    return engine.execution(execution.id)


def handle(engine: InMemoryEngine, message: Any) -> list[tuple[Any, int]]:
    """Deliver one message; return exactly what its handler pushed (message, delay)."""
    engine.queue.take_pushed()
    engine.dispatcher.handle(message)
    return engine.queue.take_pushed()


def by_ref(execution: Execution, ref: str) -> Stage:
    found = execution.stage_by_ref(ref)
    assert found is not None, ref
    return found


def save(engine: InMemoryEngine, execution: Execution) -> Execution:
    """Write a hand-edited execution back (snapshot repository) and return the stored copy."""
    engine.repository.store(execution)
    return engine.execution(execution.id)


def launched(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    """Start a pipeline and deliver what is due now; later messages stay queued."""
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run(advance_clock=False)
    return engine.execution(execution.id)
