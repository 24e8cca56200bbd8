"""Pipeline triggers: a run that finishes starts the pipelines waiting for it (same team), with
its parameters and artifacts, filtered by status; replays and loops start nothing extra."""

from __future__ import annotations

from typing import Any

from apps.executions import runtime
from apps.executions.models import Execution
from apps.triggers.models import DeliveryStatus, TriggerDelivery
from apps.triggers.services import pipeline_triggers_run_once, upstream_finished
from tests.apps.triggers.conftest import create_pipeline, executions_of, trigger_of
from tests.conftest import World


def _emit_artifact_stage() -> dict[str, Any]:
    return {
        "refId": "1",
        "requisiteStageRefIds": [],
        "type": "evaluateVariables",
        "name": "build",
        "variables": [{"key": "image", "value": "web:${parameters.tag}"}],
    }


def _drain(capture: Any) -> None:
    """Runs everything queued, delivering after-commit events to the listeners, then lets the
    trigger loop start what waits (repeated so chains progress)."""
    for _ in range(10):
        with capture(execute=True):
            handled = runtime.drain_all()
        with capture(execute=True):
            started = pipeline_triggers_run_once()
        if not handled and not started:
            return


IMAGE = {"type": "docker/image", "name": "web", "reference": "web:2.4.1", "version": "2.4.1"}


def _start(
    world: World, pipeline: dict[str, Any], capture: Any, artifacts: Any = (), **parameters: Any
) -> str:
    with capture(execute=True):
        response = world.client("owner").post(
            f"/api/v1/pipelines/{pipeline['id']}/executions/",
            {"parameters": parameters, "artifacts": list(artifacts)},
            format="json",
        )
    assert response.status_code == 202, response.json()
    return str(response.json()["id"])


def test_a_successful_upstream_starts_the_downstream_with_its_parameters(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    upstream = create_pipeline(
        world,
        "build",
        [],
        parameterConfig=[{"name": "tag", "default": "1"}],
        stages=[_emit_artifact_stage()],
    )
    downstream = create_pipeline(
        world,
        "deploy",
        [
            {
                "type": "pipeline",
                "application": "shop",
                "pipeline": upstream["id"],
                "status": ["successful"],
            }
        ],
        parameterConfig=[{"name": "tag", "required": True}],
    )

    parent = _start(world, upstream, django_capture_on_commit_callbacks, [IMAGE], tag="2.4.1")
    _drain(django_capture_on_commit_callbacks)

    [child] = executions_of(downstream)
    trigger = trigger_of(child.pk, world)
    assert trigger["type"] == "pipeline"
    assert trigger["parentExecutionId"] == parent
    assert trigger["parentPipelineId"] == upstream["id"]
    assert trigger["parentStatus"] == "SUCCEEDED"
    assert trigger["parameters"] == {"tag": "2.4.1"}
    assert trigger["artifacts"] == [IMAGE]
    assert "parentExecution" not in trigger
    delivery = TriggerDelivery.objects.get(kind="pipeline")
    assert delivery.status == DeliveryStatus.STARTED
    assert delivery.external_id == parent


def test_status_filters_and_other_teams_are_respected(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    upstream = create_pipeline(world, "build", [])
    on_failure = create_pipeline(
        world,
        "rollback",
        [
            {
                "type": "pipeline",
                "application": "shop",
                "pipeline": upstream["id"],
                "status": ["failed"],
            }
        ],
    )
    response = world.client("outsider").post(
        "/api/v1/teams/other/applications/secret-app/pipelines/",
        {
            "name": "spy",
            "stages": [],
            "triggers": [{"type": "pipeline", "application": "shop", "pipeline": upstream["id"]}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()

    _start(world, upstream, django_capture_on_commit_callbacks)
    _drain(django_capture_on_commit_callbacks)

    assert executions_of(on_failure) == []
    assert Execution.objects.filter(team=world.other_team).count() == 0
    delivery = TriggerDelivery.objects.get(kind="pipeline")
    assert delivery.status == DeliveryStatus.NO_MATCH
    assert [o.result for o in delivery.outcomes.all()] == ["not_matched"]


def test_the_same_finished_run_never_starts_the_downstream_twice(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    upstream = create_pipeline(world, "build", [])
    downstream = create_pipeline(
        world, "deploy", [{"type": "pipeline", "application": "shop", "pipeline": upstream["id"]}]
    )
    parent = _start(world, upstream, django_capture_on_commit_callbacks)
    _drain(django_capture_on_commit_callbacks)

    again = upstream_finished(
        execution_id=parent, pipeline_config_id=upstream["id"], status="SUCCEEDED"
    )
    pipeline_triggers_run_once()

    assert again is False
    assert len(executions_of(downstream)) == 1


def test_a_pipeline_loop_stops_at_the_chain_depth(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from apps.core.conf import platform_settings

    looping = create_pipeline(world, "loop", [])
    document = world.client("owner").get(f"/api/v1/pipelines/{looping['id']}/").json()
    document["triggers"] = [{"type": "pipeline", "application": "shop", "pipeline": looping["id"]}]
    saved = world.client("owner").put(
        f"/api/v1/pipelines/{looping['id']}/", document, format="json"
    )
    assert saved.status_code == 200, saved.json()
    platform_settings.set_runtime(PIPELINE_TRIGGER_MAX_DEPTH=3)
    try:
        _start(world, looping, django_capture_on_commit_callbacks)
        _drain(django_capture_on_commit_callbacks)
    finally:
        platform_settings.set_runtime(PIPELINE_TRIGGER_MAX_DEPTH=10)

    assert len(executions_of(looping)) == 4  # the manual run and three chained ones
    refused = TriggerDelivery.objects.filter(status=DeliveryStatus.NOT_STARTED).get()
    assert "deeper than 3" in refused.outcomes.get().reason
