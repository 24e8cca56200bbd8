"""The other main pages as users see them, and the language switcher (English ⇄ 简体中文)."""

from __future__ import annotations

import pytest

from apps.applications.models import Application
from apps.applications.services import application_create
from apps.pipelines import services as pipeline_services
from apps.pipelines.models import Pipeline
from tests.apps.console.conftest import fake_runs
from tests.browser.conftest import Console, assert_accessible
from tests.browser.test_runs import CONFIG

pytestmark = pytest.mark.browser


def populate(console: Console) -> Pipeline:
    """A few applications and pipelines with some history, so the lists look lived in."""
    world = console.world
    owner = world.users["owner"]
    shop = Application.objects.get(team=world.team, name="shop")
    shop.description = "The web shop (Kubernetes)."
    shop.save(update_fields=["description"])
    pipeline = pipeline_services.pipeline_create(application=shop, document=CONFIG, actor=owner)
    fake_runs(shop, pipeline, 4)
    fake_runs(shop, pipeline, 1, status="TERMINAL")
    hooked = {
        **CONFIG,
        "name": "nightly",
        "triggers": [{"type": "cron", "enabled": True, "cronExpression": "0 0 2 * * ?"}],
    }
    nightly = pipeline_services.pipeline_create(application=shop, document=hooked, actor=owner)
    fake_runs(shop, nightly, 3)
    frozen = pipeline_services.pipeline_create(
        application=shop, document={**CONFIG, "name": "hotfix"}, actor=owner
    )
    pipeline_services.pipeline_lock(
        pipeline=frozen, actor=owner, source="api", description="audit", allow_api_updates=True
    )
    old = pipeline_services.pipeline_create(
        application=shop, document={**CONFIG, "name": "legacy deploy"}, actor=owner
    )
    pipeline_services.pipeline_disable(pipeline=old, actor=owner, source="api", scope="team")
    for name, description in (
        ("orders", "Order service on CVM auto-scaling groups."),
        ("payments", "Payment gateway."),
    ):
        app = application_create(
            team=world.team, name=name, description=description, projects=["web"]
        )
        other = pipeline_services.pipeline_create(
            application=app, document={**CONFIG, "name": "release"}, actor=owner
        )
        fake_runs(app, other, 2, status="SUCCEEDED" if name == "orders" else "TERMINAL")
    return pipeline


def test_main_pages_and_switching_the_language(console: Console) -> None:
    pipeline = populate(console)
    page = console.page
    console.login("owner")
    console.shot("team-home")
    console.goto("/t/acme/applications/shop/pipelines/")
    assert_accessible(page)
    console.shot("pipelines")
    for path, name in (
        ("/t/acme/projects/web/", "project"),
        ("/t/acme/cloud-accounts/", "cloud-accounts"),
        ("/t/acme/cloud-accounts/new", "cloud-account-form"),
        ("/t/acme/settings/", "team-settings"),
    ):
        console.goto(path)
        assert_accessible(page)
        console.shot(name)

    console.goto(f"/t/acme/pipelines/{pipeline.pk}/")
    page.wait_for_selector("body[data-catalog-ready]")
    page.get_by_role("tab", name="Configuration").click()
    page.get_by_role("heading", name="Parameters").wait_for()
    assert_accessible(page)
    console.shot("pipeline-configuration")

    # Switch to Simplified Chinese: the page comes back in Chinese, forms and catalogue too.
    page.get_by_label("Language").select_option("zh-hans")
    page.wait_for_load_state()
    page.get_by_role("navigation", name="团队").get_by_role("link", name="应用").wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.wait_for_selector("body[data-catalog-ready]")
    page.locator(".graph-node", has_text="Approve").locator(".node-button").click()
    assert page.get_by_text("阶段失败时").is_visible()
    assert "人工确认" in page.locator("#stage-panel").inner_text()
    console.shot("pipeline-editor-zh")
    console.goto("/t/acme/")
    assert_accessible(page)
    assert page.get_by_role("link", name="工作台").is_visible()
    console.shot("team-home-zh")

    page.get_by_label("语言").select_option("en")
    page.wait_for_load_state()
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Applications").wait_for()
