"""The pipeline settings menu: delete with the typed name, disable by scope, lock and unlock,
revision history with a side-by-side diff and restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.pipelines.models import Pipeline
from tests.apps.console.conftest import json_post, make_pipeline
from tests.conftest import World


def url(pipeline: Pipeline, action: str) -> str:
    return f"/t/acme/pipelines/{pipeline.pk}/{action}"


def test_delete_needs_the_exact_name(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")

    wrong = owner.post(url(pipeline, "delete"), {"confirm_name": "JUDGED"})
    still_there = Pipeline.objects.get(pk=pipeline.pk).deleted_at is None
    right = owner.post(url(pipeline, "delete"), {"confirm_name": "judged"})

    assert wrong.status_code == 302
    assert still_there
    assert right.status_code == 302
    assert right["Location"] == "/t/acme/applications/shop/pipelines/"
    assert Pipeline.objects.get(pk=pipeline.pk).deleted_at is not None
    deleted_list = owner.get("/t/acme/applications/shop/pipelines/?deleted=1").content.decode()
    assert "judged" in deleted_list
    assert owner.post(url(pipeline, "undelete")).status_code == 302
    assert Pipeline.objects.get(pk=pipeline.pk).deleted_at is None


def test_disable_for_the_team_shows_a_banner_naming_the_scope(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    owner.post(url(pipeline, "disable"), {"scope": "team"})
    page = owner.get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()
    assert Pipeline.objects.get(pk=pipeline.pk).disabled
    assert "for the whole team" in page
    owner.post(url(pipeline, "enable"), {"scope": "team"})
    assert not Pipeline.objects.get(pk=pipeline.pk).disabled


def test_a_project_admin_disables_only_inside_the_project(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    project_admin = browser("project_admin")

    team_wide = project_admin.post(url(pipeline, "disable"), {"scope": "team"})
    in_project = project_admin.post(
        url(pipeline, "disable"), {"scope": "projects", "projects": ["web"]}
    )
    page = project_admin.get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()

    pipeline.refresh_from_db()
    assert team_wide.status_code == 302
    assert not pipeline.disabled
    assert in_project.status_code == 302
    assert pipeline.disabled_project_ids == [world.project.pk]
    assert "in projects Web" in page
    assert "disable pipelines” permission)" in page


def test_lock_needs_the_lock_permission(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    response = browser("developer").post(url(pipeline, "lock"), {"description": "x"})
    assert response.status_code == 403
    assert not Pipeline.objects.get(pk=pipeline.pk).is_locked


def test_a_lock_without_unlock_in_the_console_hides_the_unlock_button(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    owner.post(url(pipeline, "lock"), {"description": "audit hold"})
    page = owner.get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()
    unlock = owner.post(url(pipeline, "unlock"))
    assert "This lock can only be removed through the API." in page
    assert unlock.status_code == 302
    assert Pipeline.objects.get(pk=pipeline.pk).is_locked


def test_revisions_compare_side_by_side_and_restore_as_a_new_revision(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    document = owner.get(url(pipeline, "document")).json()["document"]
    document["stages"][1]["waitTime"] = 99
    json_post(owner, url(pipeline, "document"), {"document": document, "note": "slower"})

    history = owner.get(url(pipeline, "revisions/")).content.decode()
    diff = owner.get(url(pipeline, "revisions/diff") + "?from=1&to=2").content.decode()
    restored = owner.post(url(pipeline, "revisions/1/restore"))

    assert "slower" in history
    assert 'data-revision="2"' in history
    assert 'class="diff-changed"' in diff
    assert "&quot;waitTime&quot;: 99" in diff or '"waitTime": 99' in diff
    assert restored.status_code == 302
    pipeline.refresh_from_db()
    assert pipeline.revision == 3
    assert pipeline.change_source == "restore"
    assert pipeline.config["stages"][1]["waitTime"] == 0


def test_readers_compare_but_cannot_restore(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    viewer = browser("viewer")
    page = viewer.get(url(pipeline, "revisions/")).content.decode()
    assert "You may compare revisions but not restore them" in page
    assert viewer.post(url(pipeline, "revisions/1/restore")).status_code == 403
