"""The other main pages as users see them, and the language switcher (English ⇄ 简体中文)."""

from __future__ import annotations

import pytest

from apps.applications.models import Application
from apps.pipelines import services as pipeline_services
from tests.browser.conftest import Console
from tests.browser.test_runs import CONFIG

pytestmark = pytest.mark.browser


def test_main_pages_and_switching_the_language(console: Console) -> None:
    shop = Application.objects.get(team=console.world.team, name="shop")
    pipeline = pipeline_services.pipeline_create(
        application=shop, document=CONFIG, actor=console.world.users["owner"]
    )
    page = console.page
    console.login("owner")
    for path, name in (
        ("/t/acme/projects/web/", "project"),
        ("/t/acme/cloud-accounts/", "cloud-accounts"),
        ("/t/acme/cloud-accounts/new", "cloud-account-form"),
        ("/t/acme/settings/", "team-settings"),
    ):
        console.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        console.shot(name)

    console.goto(f"/t/acme/pipelines/{pipeline.pk}/")
    page.wait_for_selector("body[data-catalog-ready]")
    page.get_by_role("tab", name="Configuration").click()
    page.get_by_role("heading", name="Parameters").wait_for()
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
    assert page.get_by_role("link", name="工作台").is_visible()
    console.shot("team-home-zh")

    page.get_by_label("语言").select_option("en")
    page.wait_for_load_state()
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Applications").wait_for()
