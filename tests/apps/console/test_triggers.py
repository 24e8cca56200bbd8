"""A pipeline's triggers page: indexed triggers with their receiving URL, secrets shown once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.pipelines.models import Pipeline
from apps.triggers.services import trigger_index_sync
from tests.apps.console.conftest import make_pipeline
from tests.conftest import World

WITH_WEBHOOK = {
    "name": "hooked",
    "triggers": [{"type": "webhook", "enabled": True, "source": "build"}],
    "stages": [{"refId": "1", "type": "wait", "name": "w", "waitTime": 0}],
}


def indexed(shop: Any, world: World) -> Pipeline:
    pipeline = make_pipeline(shop, world, WITH_WEBHOOK)
    # Pipeline saves keep the index in step once the apps are wired; the test does it itself.
    trigger_index_sync(pipeline=pipeline)
    return pipeline


def test_the_triggers_page_shows_the_webhook_url_and_a_new_secret_once(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = indexed(shop, world)
    owner = browser("owner")
    page = owner.get(f"/t/acme/pipelines/{pipeline.pk}/triggers/").content.decode()
    trigger_id = page.split('name="trigger" value="')[1].split('"')[0]

    generated = owner.post(
        f"/t/acme/pipelines/{pipeline.pk}/triggers/action",
        {"trigger": trigger_id, "action": "secret"},
        follow=True,
    ).content.decode()
    again = owner.get(f"/t/acme/pipelines/{pipeline.pk}/triggers/").content.decode()

    assert "/api/v1/webhooks/" in page
    assert "No deliveries for this pipeline yet." in page
    assert 'id="new-secret"' in generated
    assert 'id="new-secret"' not in again


def test_readers_cannot_change_triggers(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = indexed(shop, world)
    viewer = browser("viewer")
    page = viewer.get(f"/t/acme/pipelines/{pipeline.pk}/triggers/").content.decode()
    assert 'name="action"' not in page
    response = viewer.post(
        f"/t/acme/pipelines/{pipeline.pk}/triggers/action", {"trigger": "x", "action": "rotate"}
    )
    assert response.status_code in (403, 404)
