"""Projects and release orders in the console, and the workbench of pending approvals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.executions import runtime
from apps.executions.models import ReleaseOrder
from tests.apps.console.conftest import make_pipeline
from tests.conftest import World

NEW = "/t/acme/projects/web/release-orders/new"


def test_a_developer_submits_a_release_order_and_lands_on_it(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    developer = browser("developer")

    pipelines = developer.get(
        "/t/acme/projects/web/release-orders/pipelines?application=shop", HTTP_HX_REQUEST="true"
    ).content.decode()
    fields = developer.get(
        f"/t/acme/projects/web/release-orders/parameters?application=shop&pipeline={pipeline.pk}",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    response = developer.post(
        NEW,
        {"application": "shop", "pipeline": str(pipeline.pk), "param:tag": "v3", "note": "hotfix"},
    )

    order = ReleaseOrder.objects.get()
    assert str(pipeline.pk) in pipelines
    assert 'name="param:tag"' in fields
    assert response.status_code == 302
    assert response["Location"] == f"/t/acme/projects/web/release-orders/{order.pk}/"
    assert order.note == "hotfix"
    assert order.parameters["tag"] == "v3"
    detail = developer.get(response["Location"]).content.decode()
    assert f"/t/acme/executions/{order.execution_id}/" in detail
    listing = developer.get("/t/acme/projects/web/").content.decode()
    assert f"#{order.pk}" in listing


def test_a_pipeline_disabled_in_the_project_is_refused_with_the_reason(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    browser("project_admin").post(
        f"/t/acme/pipelines/{pipeline.pk}/disable", {"scope": "projects", "projects": ["web"]}
    )
    response = browser("developer").post(NEW, {"application": "shop", "pipeline": str(pipeline.pk)})
    assert response.status_code == 200
    assert "disabled in project" in response.content.decode()
    assert not ReleaseOrder.objects.exists()


def test_viewers_see_release_orders_but_cannot_submit(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    viewer = browser("viewer")
    page = viewer.get("/t/acme/projects/web/").content.decode()
    assert "Project developers and admins submit release orders." in page
    assert viewer.get(NEW).status_code == 403


def test_the_workbench_lists_judgments_waiting_for_me(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    config = {
        "name": "approvals",
        "stages": [
            {
                "refId": "1",
                "type": "manualJudgment",
                "name": "Ship it?",
                "approvers": ["developer"],
                "instructions": "Check the canary first.",
            }
        ],
    }
    pipeline = make_pipeline(shop, world, config)
    browser("developer").post(NEW, {"application": "shop", "pipeline": str(pipeline.pk)})
    runtime.drain_all()

    mine = browser("developer").get("/t/acme/workbench/").content.decode()
    others = browser("admin").get("/t/acme/workbench/").content.decode()

    assert "Check the canary first." in mine
    assert "Ship it?" in mine
    assert "Nothing is waiting for your approval." in others
