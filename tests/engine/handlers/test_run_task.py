"""RunTask and StartTask handlers: one invocation, re-queue on RUNNING, failures, cancel, pause."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import CompleteTask, PauseTask, RunTask, StartTask
from engine.model import Execution
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def _running(engine: InMemoryEngine, **context: object) -> tuple[Execution, RunTask]:
    """Stage 1 has polled once and has its next RunTask due in a second."""
    execution = started(engine, stage("1", **{"polls": 1, **context}))
    one = by_ref(execution, "1")
    task = one.tasks[0]
    assert task.status == Status.RUNNING
    return execution, RunTask(execution.id, one.id, task.id, task.run_generation)


def test_start_task_marks_running_and_runs(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 9}}]))
    one = by_ref(execution, "1")
    assert one.tasks[0].status == Status.NOT_STARTED  # waits for its before-stage
    assert handle(engine, StartTask(execution.id, one.id, "1")) == [
        (RunTask(execution.id, one.id, "1", 1), 0)
    ]
    task = by_ref(engine.execution(execution.id), "1").tasks[0]
    assert (task.status, task.start_time) == (Status.RUNNING, engine.clock.now_ms())
    assert handle(engine, StartTask(execution.id, one.id, "1")) == []  # duplicate


def test_running_result_requeues_after_the_backoff(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=3)
    pushed = handle(engine, run)
    assert pushed == [(RunTask(execution.id, run.stage_id, "1", run.generation + 1), 1_000)]
    assert by_ref(engine.execution(execution.id), "1").context["polled"] == 2


def test_stage_backoff_override_slows_polling(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=3, backoffPeriodMs=30_000)
    assert handle(engine, run)[0][1] == 30_000


def test_stale_or_duplicate_run_is_dropped(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=3)
    handle(engine, run)
    assert handle(engine, run) == []  # the same message delivered twice


def test_success_completes_the_task(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, outputs={"version": 3})
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.SUCCEEDED, Status.SUCCEEDED), 0)
    ]
    assert by_ref(engine.execution(execution.id), "1").outputs == {"version": 3}


def test_terminal_result_goes_through_failure_options(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, outcome="TERMINAL", continuePipeline=True)
    assert handle(engine, run) == [
        (
            CompleteTask(execution.id, run.stage_id, "1", Status.FAILED_CONTINUE, Status.TERMINAL),
            0,
        )
    ]


def test_an_exception_fails_the_task_with_details(engine: InMemoryEngine) -> None:
    execution, run = _running(engine)
    stage_now = by_ref(execution, "1")
    stage_now.context["raise"] = "cluster unreachable"
    save(engine, execution)
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.TERMINAL, Status.TERMINAL), 0)
    ]
    stored = by_ref(engine.execution(execution.id), "1")
    assert stored.context["exception"]["details"]["error"] == "cluster unreachable"
    assert stored.tasks[0].task_exception_details["exceptionType"] == "RuntimeError"


def test_a_transient_error_retries_after_the_backoff(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, transientErrors=1)
    assert handle(engine, run) == [
        (RunTask(execution.id, run.stage_id, "1", run.generation + 1), 1_000)
    ]


def test_canceled_execution_calls_on_cancel(engine: InMemoryEngine) -> None:
    execution, run = _running(engine)
    execution.mark_canceled(user="bob", reason=None, now=1)
    save(engine, execution)
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.CANCELED), 0)
    ]
    assert by_ref(engine.execution(execution.id), "1").context["cleanedUp"] is True


def test_paused_execution_pauses_the_task(engine: InMemoryEngine) -> None:
    execution, run = _running(engine)
    execution.mark_paused(user="bob", now=1)
    save(engine, execution)
    assert handle(engine, run) == [(PauseTask(execution.id, run.stage_id, "1"), 0)]


def test_manually_skipped_stage_completes_its_task_as_skipped(engine: InMemoryEngine) -> None:
    execution, run = _running(engine)
    by_ref(execution, "1").context["manualSkip"] = True
    save(engine, execution)
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.SKIPPED), 0)
    ]


def test_stage_timeout_fails_unless_marked_successful(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=10, stageTimeoutMs=500)
    engine.clock.advance(1_000)
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.TERMINAL, Status.TERMINAL), 0)
    ]
    error = by_ref(engine.execution(execution.id), "1").context["exception"]["details"]["error"]
    assert "timed out" in error

    other = started(engine, stage("1", polls=10, stageTimeoutMs=500, markSuccessfulOnTimeout=True))
    one = by_ref(other, "1")
    engine.clock.advance(1_000)
    assert handle(engine, RunTask(other.id, one.id, "1", one.tasks[0].run_generation)) == [
        (CompleteTask(other.id, one.id, "1", Status.SUCCEEDED), 0)
    ]


def test_paused_time_does_not_count_towards_the_stage_timeout(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=10, stageTimeoutMs=5_000)
    now = engine.clock.now_ms()
    execution.mark_paused(user="bob", now=now)
    execution.mark_resumed(user="bob", now=now + 60_000)
    save(engine, execution)
    engine.clock.advance(61_000)
    pushed = handle(engine, run)
    assert pushed == [(RunTask(execution.id, run.stage_id, "1", run.generation + 1), 1_000)]


def test_a_task_of_an_aborted_stage_stops(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=5)
    by_ref(execution, "1").status = Status.TERMINAL
    save(engine, execution)
    assert handle(engine, run) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.CANCELED), 0)
    ]


def test_an_outcome_run_ahead_is_used_once_instead_of_running_again(
    engine: InMemoryEngine,
) -> None:
    execution, run = _running(engine, outputs={"version": 3})
    stage_now = by_ref(engine.execution(execution.id), "1")
    ahead = engine.dispatcher.run_ahead(run, stage_now.execution)
    assert ahead is not None
    # The stage changes before the transaction: the handler must not run the task again.
    stage_now.context["raise"] = "a second call was made"
    save(engine, stage_now.execution)
    engine.queue.take_pushed()
    engine.dispatcher.handle(run, ahead=ahead)
    assert engine.queue.take_pushed() == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.SUCCEEDED, Status.SUCCEEDED), 0)
    ]
    assert by_ref(engine.execution(execution.id), "1").outputs == {"version": 3}


def test_an_exception_run_ahead_is_raised_in_the_handler(engine: InMemoryEngine) -> None:
    execution, run = _running(engine)
    stage_now = by_ref(execution, "1")
    stage_now.context["raise"] = "cluster unreachable"
    save(engine, execution)
    ahead = engine.dispatcher.run_ahead(run, engine.execution(execution.id))
    assert isinstance(ahead, RuntimeError)
    assert handle_ahead(engine, run, ahead) == [
        (CompleteTask(execution.id, run.stage_id, "1", Status.TERMINAL, Status.TERMINAL), 0)
    ]


def test_nothing_runs_ahead_for_a_stale_canceled_or_paused_run(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=3)
    stale = RunTask(run.execution_id, run.stage_id, run.task_id, run.generation + 5)
    assert engine.dispatcher.run_ahead(stale, engine.execution(execution.id)) is None
    current = engine.execution(execution.id)
    current.mark_canceled(user="u", reason=None, now=engine.clock.now_ms())
    assert engine.dispatcher.run_ahead(run, current) is None


def test_an_outcome_for_a_superseded_run_is_dropped(engine: InMemoryEngine) -> None:
    execution, run = _running(engine, polls=3)
    ahead = engine.dispatcher.run_ahead(run, engine.execution(execution.id))
    assert ahead is not None
    handle(engine, run)  # a newer poll was handled meanwhile: `run` is now stale
    assert handle_ahead(engine, run, ahead) == []


def handle_ahead(engine: InMemoryEngine, run: RunTask, ahead: object) -> list[tuple[object, int]]:
    engine.queue.take_pushed()
    engine.dispatcher.handle(run, ahead=ahead)
    return engine.queue.take_pushed()
