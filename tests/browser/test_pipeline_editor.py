"""A deployment manager's day in the editor: create from the Kubernetes template, add a stage
with "+", break the JSON and see where, save, compare and restore revisions, lock the pipeline
(read-only in the console while the API may still update it)."""

from __future__ import annotations

import re

import pytest
import requests

from apps.pipelines.models import Pipeline
from apps.users.services import token_create
from tests.browser.conftest import Console, assert_accessible

pytestmark = pytest.mark.browser


def test_create_edit_break_fix_compare_restore_and_lock(console: Console) -> None:
    page = console.page
    console.login("owner")

    # Create a pipeline from the Kubernetes template.
    page.get_by_role("link", name="shop", exact=True).click()
    page.get_by_role("button", name="Create pipeline").click()
    page.get_by_label("Name", exact=True).fill("release")
    page.get_by_label("Kubernetes template").check()
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    page.wait_for_selector("body[data-catalog-ready]")
    pipeline = Pipeline.objects.get(name="release")
    assert page.locator(".graph-node").count() == 6
    assert_accessible(page)
    console.shot("pipeline-editor")

    # Add a stage after the judgment with "+".
    judgment = page.locator(".graph-node", has_text="Verify the release")
    judgment.get_by_role("button", name=re.compile("Add a stage after")).click()
    page.get_by_role("dialog").get_by_placeholder("Search stage types").fill("wait")
    page.locator("button[data-stage-type=wait]").click()
    assert page.locator(".graph-node").count() == 7
    page.get_by_label("Stage name").fill("Soak after approval")
    page.get_by_label("Stage name").press("Tab")
    assert page.locator(".graph-node", has_text="Soak after approval").count() == 1
    assert_accessible(page)
    console.shot("pipeline-editor-stage-form")

    # Break the JSON: a syntax error is pointed at by line and column...
    page.get_by_role("tab", name="JSON").click()
    text = page.locator("#json-text").input_value()
    page.locator("#json-text").fill(text.replace('"waitTime": 30', '"waitTime": 30,,', 1))
    page.get_by_role("button", name="Apply JSON").click()
    assert "JSON syntax error" in page.locator("#problems").inner_text()
    assert page.locator("#json-excerpt mark").inner_text() == ","
    # ...and a semantic one by its JSON pointer.
    broken = re.sub(
        r'("name": "Soak after approval"[^}]*?)|("requisiteStageRefIds": \[\s*"3"\s*\])',
        lambda m: m.group(0).replace('"3"', '"99"') if m.group(2) else m.group(0),
        text,
        count=0,
    )
    page.locator("#json-text").fill(broken)
    page.get_by_role("button", name="Check").click()
    problem = page.locator("#problem-list li").first
    problem.wait_for()
    assert "/requisiteStageRefIds/0" in problem.inner_text()
    assert page.locator("#json-excerpt mark").inner_text() == '"99"'
    console.shot("json-error-pointed-at")

    # Fix it and save with a note.
    page.locator("#json-text").fill(text)
    page.get_by_label("Change note").fill("soak after approval")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved as revision 2.").wait_for()
    assert page.locator("#problems").is_hidden()

    # Two revisions: compare them, then restore the first.
    page.locator("#settings-menu > summary").click()
    page.get_by_role("link", name="Revision history").click()
    assert page.locator("tr[data-revision]").count() == 2
    page.get_by_role("button", name="Compare").click()
    assert page.locator("tr.diff-added, tr.diff-changed").count() > 0
    assert "Soak after approval" in page.locator("table.diff").inner_text()
    console.shot("revision-diff")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Restore revision 1").click()
    page.get_by_text("Revision 1 restored as a new revision.").wait_for()
    assert page.locator("tr[data-revision]").count() == 3
    pipeline.refresh_from_db()
    assert len(pipeline.config["stages"]) == 6

    # A stale save (someone saved meanwhile) is refused with a link to what changed.
    key = token_create(user=console.world.users["owner"], name="ci").key
    page.get_by_role("link", name="release").first.click()
    page.wait_for_selector("body[data-catalog-ready]")
    page.get_by_role("tab", name="Configuration").click()
    page.locator("#cfg-description").fill("my edit")
    page.locator("#cfg-description").press("Tab")
    theirs = requests.patch(
        console.url(f"/api/v1/pipelines/{pipeline.pk}/"),
        json={"description": "their edit"},
        headers={"Authorization": f"Token {key}"},
        timeout=10,
    )
    assert theirs.status_code == 200, theirs.text
    page.get_by_role("button", name="Save").click()
    conflict = page.locator("#conflict-banner")
    conflict.wait_for()
    assert "someone else saved" in conflict.inner_text()
    assert "from=3&to=current" in page.locator("#conflict-diff-link").get_attribute("href")
    pipeline.refresh_from_db()
    assert pipeline.config["description"] == "their edit"
    page.get_by_role("button", name="Reload (discards your changes)").click()
    page.wait_for_selector("body[data-catalog-ready]")

    # Lock with "allow API updates": the console is read-only, the API still updates.
    page.locator("#settings-menu > summary").click()
    page.get_by_role("button", name="Lock…").click()
    page.get_by_role("dialog").get_by_label("Description").fill("release freeze until Monday")
    page.get_by_label("Allow updates through the API while locked").check()
    page.get_by_role("dialog").get_by_role("button", name="Lock", exact=True).click()
    banner = page.locator("#lock-banner")
    assert "release freeze until Monday" in banner.inner_text()
    assert "updates through the API are allowed" in banner.inner_text()
    assert page.locator("#save-button").count() == 0
    assert page.get_by_role("button", name="+ Add stage").is_hidden()
    page.locator(".graph-node .node-button").first.click()
    assert page.get_by_label("Stage name").is_disabled()
    console.shot("pipeline-locked")

    response = requests.patch(
        console.url(f"/api/v1/pipelines/{pipeline.pk}/"),
        json={"description": "updated by CI while locked"},
        headers={"Authorization": f"Token {key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    page.reload()
    page.wait_for_selector("body[data-catalog-ready]")
    page.get_by_role("tab", name="JSON").click()
    assert "updated by CI while locked" in page.locator("#json-text").input_value()
