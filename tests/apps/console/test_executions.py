"""Runs in the console: the start dialog from parameterConfig, run lists with filters and "load
more", the live page's data, operations and judgments (each refused without permission)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.executions import runtime
from apps.executions.models import Execution, StageExecution
from apps.executions.services.launch import pipeline_start
from tests.apps.console.conftest import fake_runs, json_post, make_pipeline
from tests.conftest import World


def test_the_start_dialog_lists_pinned_parameters_first_with_their_defaults(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    form = browser("admin").get(f"/t/acme/pipelines/{pipeline.pk}/run", HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200
    assert html.index('name="param:region"') < html.index('name="param:tag"')
    assert 'value="v1"' in html
    assert "Where to deploy" in html


def test_starting_a_run_goes_to_its_live_page(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    response = browser("admin").post(
        f"/t/acme/pipelines/{pipeline.pk}/run", {"param:tag": "v7", "param:region": "gz"}
    )
    execution = Execution.objects.get(pipeline_config_id=str(pipeline.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/t/acme/executions/{execution.pk}/"
    assert execution.header["trigger"]["parameters"] == {"tag": "v7", "region": "gz"}


def test_a_refused_start_shows_the_parameter_errors_in_the_form(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    config = {
        "name": "strict",
        "parameterConfig": [{"name": "env", "hasOptions": True, "options": [{"value": "prod"}]}],
        "stages": [{"refId": "1", "type": "wait", "name": "w", "waitTime": 0}],
    }
    pipeline = make_pipeline(shop, world, config)
    response = browser("admin").post(
        f"/t/acme/pipelines/{pipeline.pk}/run", {"param:env": "moon"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "is not an option of" in response.content.decode()
    assert not Execution.objects.filter(pipeline_config_id=str(pipeline.pk)).exists()


def test_developers_cannot_start_runs_directly(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    developer = browser("developer")
    listing = developer.get("/t/acme/applications/shop/pipelines/").content.decode()
    assert developer.post(f"/t/acme/pipelines/{pipeline.pk}/run", {}).status_code == 403
    assert "developers submit release orders from a project" in listing


def test_run_lists_filter_by_status_and_load_more(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    fake_runs(shop, pipeline, 30)
    fake_runs(shop, pipeline, 2, status="TERMINAL")
    owner = browser("owner")
    base = f"/t/acme/pipelines/{pipeline.pk}/executions/"

    first = owner.get(base).content.decode()
    failed = owner.get(base + "?status=TERMINAL", HTTP_HX_REQUEST="true").content.decode()
    cursor = first.split("before=")[1].split('"')[0]
    more = owner.get(base + f"?before={cursor}", HTTP_HX_REQUEST="true").content.decode()

    assert first.count("data-execution-id=") == 25
    assert "Load more" in first
    assert failed.count("data-execution-id=") == 2
    assert more.count("data-execution-id=") == 7
    assert "Load more" not in more


def test_the_live_page_data_and_source_are_the_execution_document(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    execution = pipeline_start(pipeline_id=pipeline.pk, user=world.users["owner"])
    runtime.drain_all()
    viewer = browser("viewer")
    data = viewer.get(f"/t/acme/executions/{execution.pk}/data").json()
    source = viewer.get(f"/t/acme/executions/{execution.pk}/source")
    page = viewer.get(f"/t/acme/executions/{execution.pk}/").content.decode()
    assert data["execution"]["status"] == "RUNNING"
    assert data["permissions"] == {"canOperate": False, "judgeable": [], "canRestartRunning": False}
    assert source["Content-Type"].startswith("application/json")
    assert f"/ws/executions/{execution.pk}/" in page


def test_cancel_needs_the_operate_permission(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    execution = pipeline_start(pipeline_id=pipeline.pk, user=world.users["owner"])
    runtime.drain_all()
    refused = json_post(browser("viewer"), f"/t/acme/executions/{execution.pk}/cancel", {})
    done = json_post(
        browser("admin"), f"/t/acme/executions/{execution.pk}/cancel", {"reason": "wrong tag"}
    )
    runtime.drain_all()
    assert refused.status_code == 403
    assert done.status_code == 202
    execution.refresh_from_db()
    assert execution.status == "CANCELED"


def test_approvers_judge_from_the_execution_page(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    execution = pipeline_start(pipeline_id=pipeline.pk, user=world.users["owner"])
    runtime.drain_all()
    stage = StageExecution.objects.get(execution=execution, ref_id="1")
    url = f"/t/acme/executions/{execution.pk}/stages/{stage.pk}/judgment"
    admin = browser("admin")

    judgeable = admin.get(f"/t/acme/executions/{execution.pk}/data").json()["permissions"][
        "judgeable"
    ]
    refused = json_post(browser("developer"), url, {"judgmentStatus": "continue"})
    accepted = json_post(admin, url, {"judgmentStatus": "continue", "judgmentInput": "ship"})
    runtime.drain_all()

    assert judgeable == [stage.pk]
    assert refused.status_code == 403
    assert accepted.status_code == 202
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED"


def test_the_expression_tester_evaluates_against_the_run(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    execution = pipeline_start(
        pipeline_id=pipeline.pk, user=world.users["owner"], parameters={"tag": "v9"}
    )
    runtime.drain_all()
    response = json_post(
        browser("viewer"),
        f"/t/acme/executions/{execution.pk}/evaluate",
        {"expression": "${trigger.parameters.tag}"},
    )
    assert response.status_code == 200
    assert response.json()["result"] == "v9"
