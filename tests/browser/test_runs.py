"""Running pipelines from the console: the start dialog, the live execution page (stages change
colour without a reload), the judgment from the page, a release order from a project."""

from __future__ import annotations

from typing import Any

import pytest

from apps.applications.models import Application
from apps.pipelines import services as pipeline_services
from apps.pipelines.models import ChangeSource, Pipeline
from tests.browser.conftest import Console

pytestmark = pytest.mark.browser

CONFIG = {
    "name": "ship",
    "parameterConfig": [
        {"name": "tag", "label": "Image tag", "required": True, "description": "What to ship"},
        {
            "name": "region",
            "label": "Region",
            "pinned": True,
            "default": "ap-guangzhou",
            "hasOptions": True,
            "options": [{"value": "ap-guangzhou"}, {"value": "ap-shanghai"}],
        },
    ],
    "stages": [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "wait",
            "name": "Warm up",
            "waitTime": 2,
        },
        {
            "refId": "2",
            "requisiteStageRefIds": ["1"],
            "type": "manualJudgment",
            "name": "Approve",
            "instructions": "Check the canary, then continue.",
            "judgmentInputs": [{"value": "ship"}, {"value": "hold"}],
        },
        {
            "refId": "3",
            "requisiteStageRefIds": ["2"],
            "type": "wait",
            "name": "Finish",
            "waitTime": 1,
        },
    ],
}


def make_pipeline(console: Console) -> Pipeline:
    shop = Application.objects.get(team=console.world.team, name="shop")
    return pipeline_services.pipeline_create(
        application=shop,
        document=CONFIG,
        actor=console.world.users["owner"],
        source=ChangeSource.CONSOLE,
    )


def node(page: Any, name: str) -> Any:
    return page.locator(".graph-node", has_text=name)


def test_start_watch_live_and_approve_from_the_execution_page(
    console: Console, engine_worker: Any
) -> None:
    make_pipeline(console)
    page = console.page
    console.login("owner")
    console.goto("/t/acme/applications/shop/pipelines/")
    page.locator(".pipeline-row", has_text="ship").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Image tag").fill("v2.4.1")
    dialog.get_by_label("Region").select_option("ap-shanghai")
    console.shot("run-dialog")
    dialog.get_by_role("button", name="Start run").click()
    page.wait_for_url("**/executions/**")
    page.evaluate("window.__sameDocument = true")
    page.wait_for_selector("body[data-live=on]")

    # The first stage turns RUNNING then SUCCEEDED while the page stays the same document.
    node(page, "Warm up").and_(page.locator("[data-status=RUNNING]")).wait_for()
    node(page, "Warm up").and_(page.locator("[data-status=SUCCEEDED]")).wait_for()
    node(page, "Approve").and_(page.locator("[data-status=RUNNING]")).wait_for()
    assert page.evaluate("window.__sameDocument") is True

    # Someone else's workbench lists it; here the approver decides from the execution page.
    workbench = page.context.new_page()
    workbench.goto(console.url("/t/acme/workbench/"))
    assert "Check the canary, then continue." in workbench.locator("#waiting").inner_text()
    console.shot("workbench", workbench)
    workbench.close()

    page.get_by_label("Option", exact=True).select_option("ship")
    console.shot("execution-live")
    page.get_by_role("button", name="Continue").click()
    page.locator("#run-status[data-status=SUCCEEDED]").wait_for()
    assert node(page, "Finish").get_attribute("data-status") == "SUCCEEDED"
    assert page.evaluate("window.__sameDocument") is True
    assert "ship" in page.locator("#stage-details").inner_text()
    console.shot("execution-done")

    # The run lists show it with its parameters.
    page.get_by_role("link", name="All runs").click()
    assert "tag=v2.4.1" in page.locator("#runs").inner_text()
    console.shot("executions")


def test_a_developer_submits_a_release_order_and_follows_it(
    console: Console, engine_worker: Any
) -> None:
    config = {**CONFIG, "stages": [CONFIG["stages"][0]]}
    shop = Application.objects.get(team=console.world.team, name="shop")
    pipeline_services.pipeline_create(
        application=shop, document=config, actor=console.world.users["owner"]
    )
    page = console.page
    console.login("developer")
    page.get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="Web").click()
    page.get_by_role("link", name="New release order").click()
    page.get_by_label("Application").select_option("shop")
    page.get_by_label("Pipeline").locator("option", has_text="ship").wait_for(state="attached")
    # htmx wires a swapped-in element only when the swap settles (20 ms later): a change made
    # before then is never sent.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")
    page.get_by_label("Pipeline").select_option(label="ship")
    page.get_by_label("Image tag").fill("v3.0.0")
    page.get_by_label("Note").fill("Weekly release")
    console.shot("release-order-new")
    page.get_by_role("button", name="Submit release order").click()
    page.get_by_text("submitted.").wait_for()
    page.locator("#order-status[data-status=SUCCEEDED]").wait_for()
    assert "v3.0.0" in page.locator("main").inner_text()
    console.shot("release-order")
    page.get_by_role("link", name="Watch the run live").click()
    page.locator("#run-status[data-status=SUCCEEDED]").wait_for()
    assert "Release order" in page.locator(".run-facts").inner_text()
