"""`findArtifactFromExecution`: artifacts of another pipeline's latest matching run."""

from __future__ import annotations

from typing import Any

import pytest

from engine.memory import FixedClock, InMemoryEngine
from engine.model import Execution
from engine.status import Status
from tests.engine.support import PathExpressions, ScriptedStage, by_ref, pipeline, stage

OLD = {"type": "docker/image", "name": "app", "reference": "app:1"}
NEW = {"type": "docker/image", "name": "app", "reference": "app:2"}
BROKEN = {"type": "docker/image", "name": "app", "reference": "app:3-broken"}
EXPECTED = {"id": "image", "matchArtifact": {"type": "docker/image", "name": "app"}}


@pytest.fixture
def engine() -> InMemoryEngine:
    made = InMemoryEngine(clock=FixedClock(), expressions=PathExpressions(), snapshot=True)
    made.registry.register(ScriptedStage())
    return made


def produce(
    engine: InMemoryEngine,
    artifact: dict[str, Any],
    *,
    outcome: str = "SUCCEEDED",
    team: Any = None,
) -> Execution:
    engine.clock.advance(60_000)
    execution = pipeline(
        engine, stage("1", outputs={"artifacts": [artifact]}, outcome=outcome), id="producer"
    )
    execution.team = team
    engine.start(execution)
    engine.run()
    return engine.execution(execution.id)


def find(engine: InMemoryEngine, *, team: Any = None, **context: Any) -> Execution:
    context.setdefault("application", "app")
    context.setdefault("pipeline", "producer")
    context.setdefault("expectedArtifacts", [EXPECTED])
    execution = pipeline(
        engine, stage("1", type="findArtifactFromExecution", **context), id="consumer"
    )
    execution.team = team
    engine.start(execution)
    engine.run()
    return engine.execution(execution.id)


def test_binds_the_latest_successful_run(engine: InMemoryEngine) -> None:
    produce(engine, OLD)
    produce(engine, NEW)
    produce(engine, BROKEN, outcome="TERMINAL")
    found = by_ref(find(engine, executionOptions={"successful": True}), "1")
    assert found.status == Status.SUCCEEDED
    assert found.outputs["artifacts"] == [NEW]
    assert found.outputs["resolvedExpectedArtifacts"] == [{**EXPECTED, "boundArtifact": NEW}]
    assert found.context["artifacts"] == [NEW]


def test_execution_options_choose_which_runs_count(engine: InMemoryEngine) -> None:
    produce(engine, NEW)
    produce(engine, BROKEN, outcome="TERMINAL")
    terminal = by_ref(find(engine, executionOptions={"terminal": True}), "1")
    assert terminal.outputs["artifacts"] == [BROKEN]
    anything = by_ref(find(engine), "1")
    assert anything.outputs["artifacts"] == [BROKEN]


def test_the_default_artifact_is_used_when_nothing_matches(engine: InMemoryEngine) -> None:
    fallback = {"type": "docker/image", "name": "app", "reference": "app:stable"}
    expected = {**EXPECTED, "useDefaultArtifact": True, "defaultArtifact": fallback}
    found = by_ref(find(engine, expectedArtifacts=[expected]), "1")
    assert found.outputs["artifacts"] == [fallback]


def test_nothing_to_bind_fails_with_a_clear_error(engine: InMemoryEngine) -> None:
    done = find(engine, executionOptions={"successful": True})
    found = by_ref(done, "1")
    assert done.status == Status.TERMINAL
    assert found.context["exception"]["details"]["error"] == (
        "Unmatched expected artifact image could not be resolved. "
        "(no run of pipeline producer matches the execution options)"
    )


def test_another_teams_runs_are_invisible(engine: InMemoryEngine) -> None:
    other = produce(engine, NEW, team="red")
    found = by_ref(find(engine, team="blue"), "1")
    assert found.status == Status.TERMINAL
    assert other.id not in found.context["exception"]["details"]["error"]
    assert by_ref(find(engine, team="red"), "1").outputs["artifacts"] == [NEW]


def test_the_singular_expected_artifact_field_works(engine: InMemoryEngine) -> None:
    produce(engine, NEW)
    found = by_ref(find(engine, expectedArtifacts=None, expectedArtifact=EXPECTED), "1")
    assert found.outputs["artifacts"] == [NEW]


def test_a_pipeline_never_finds_what_this_stage_found_in_its_own_earlier_run(
    engine: InMemoryEngine,
) -> None:
    produce(engine, OLD)
    first = find(engine)
    assert by_ref(first, "1").outputs["artifacts"] == [OLD]
    engine.clock.advance(60_000)
    # The consumer searching its own pipeline: its last run's stage "1" is skipped.
    again = find(engine, pipeline="consumer", executionOptions={"successful": True})
    assert by_ref(again, "1").status == Status.TERMINAL
    assert first.id in by_ref(again, "1").context["exception"]["details"]["error"]
