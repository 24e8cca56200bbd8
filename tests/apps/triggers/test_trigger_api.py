"""The delivery log API (filters, pagination, who reads what, nothing secret shown) and a
pipeline's triggers (webhook URLs that survive saves, write-only secrets, URL rotation)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from apps.core.conf import platform_settings
from apps.triggers.models import TriggerIndex
from tests.apps.triggers.conftest import (
    create_pipeline,
    deliver,
    fixture_bytes,
    hub_signature,
    set_secret,
    trigger_row,
)
from tests.conftest import World

EVENTS = "/api/v1/teams/acme/trigger-events/"


@pytest.fixture
def hook(world: World) -> dict[str, Any]:
    return create_pipeline(world, "hooked", [{"type": "webhook", "source": "ci"}])


def _url(pipeline: dict[str, Any]) -> str:
    return f"/api/v1/webhooks/{trigger_row(pipeline).token}"


def test_the_log_lists_filters_and_pages(world: World, hook: dict[str, Any]) -> None:
    other = create_pipeline(world, "other", [{"type": "webhook", "source": "ci"}])
    for number in range(3):
        deliver(_url(hook), json.dumps({"n": number}).encode())
    deliver(_url(other), b'{"n": 9}')
    deliver(_url(hook), b"{broken")
    admin = world.client("admin")

    everything = admin.get(EVENTS).json()["results"]
    mine = admin.get(f"{EVENTS}?pipeline={hook['id']}").json()["results"]
    invalid = admin.get(f"{EVENTS}?status=invalid").json()["results"]
    first_page = admin.get(f"{EVENTS}?application=shop&limit=2").json()
    second_page = admin.get(first_page["next"]).json()

    assert len(everything) == 5
    assert len(mine) == 3
    assert {t["pipeline"] for row in mine for t in row["triggers"]} == {"hooked"}
    assert len(invalid) == 1
    assert len(first_page["results"]) == 2
    assert len(second_page["results"]) == 2
    assert admin.get(f"{EVENTS}?status=bogus").status_code == 400


def test_who_reads_the_log(world: World, hook: dict[str, Any]) -> None:
    deliver(_url(hook), b"{}")

    assert len(world.client("viewer").get(EVENTS).json()["results"]) == 1
    assert world.client("member").get(EVENTS).json()["results"] == []
    assert world.client("outsider").get(EVENTS).status_code == 404
    assert world.client("anonymous").get(EVENTS).status_code == 401


def test_details_never_show_secrets_or_signatures_and_truncate_big_payloads(
    world: World,
) -> None:
    guarded = create_pipeline(
        world,
        "guarded",
        [{"type": "git", "source": "github", "project": "acme-inc", "slug": "shop-web"}],
    )
    set_secret(world, guarded, "top-secret-value")
    body = fixture_bytes("github_push.json")
    headers = {
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": "d-9",
        "X-Hub-Signature-256": hub_signature("top-secret-value", body),
    }
    platform_settings.set_runtime(TRIGGER_EVENT_PAYLOAD_MAX_BYTES=500)
    try:
        answer = deliver("/api/v1/teams/acme/webhooks/git/github", body, headers).json()
    finally:
        platform_settings.set_runtime(TRIGGER_EVENT_PAYLOAD_MAX_BYTES=64 * 1024)

    detail = world.client("admin").get(f"{EVENTS}{answer['deliveryId']}/").json()
    text = json.dumps(detail)
    assert "top-secret-value" not in text
    assert headers["X-Hub-Signature-256"] not in text
    assert detail["headers"]["x-github-delivery"] == "d-9"
    assert detail["payload"]["truncated"] is True
    assert detail["payloadSize"] > 500
    assert detail["summary"]["branch"] == "main"
    pipeline_view = world.client("admin").get(f"/api/v1/pipelines/{guarded['id']}/triggers/").json()
    assert pipeline_view["results"][0]["hasSecret"] is True
    assert "top-secret-value" not in json.dumps(pipeline_view)


def test_webhook_urls_survive_saves_and_are_shown_under_the_public_url(
    world: World, hook: dict[str, Any]
) -> None:
    token = trigger_row(hook).token
    set_secret(world, hook, "kept-across-saves")
    document = world.client("owner").get(f"/api/v1/pipelines/{hook['id']}/").json()
    document["description"] = "changed"
    assert (
        world.client("owner")
        .put(f"/api/v1/pipelines/{hook['id']}/", document, format="json")
        .status_code
        == 200
    )
    platform_settings.set_runtime(PUBLIC_URL="https://cd.example.com")
    try:
        listed = world.client("viewer").get(f"/api/v1/pipelines/{hook['id']}/triggers/").json()
    finally:
        platform_settings.set_runtime(PUBLIC_URL="")

    row = trigger_row(hook)
    assert row.token == token
    assert row.has_secret
    [trigger] = listed["results"]
    assert trigger["webhookUrl"] == f"https://cd.example.com/api/v1/webhooks/{token}"
    assert trigger["type"] == "webhook"


def test_removing_a_trigger_removes_its_url_and_secret(world: World, hook: dict[str, Any]) -> None:
    url = _url(hook)
    document = world.client("owner").get(f"/api/v1/pipelines/{hook['id']}/").json()
    document["triggers"] = []

    world.client("owner").put(f"/api/v1/pipelines/{hook['id']}/", document, format="json")

    assert not TriggerIndex.objects.filter(pipeline_id=hook["id"]).exists()
    assert deliver(url, b"{}").status_code == 404


def test_a_generated_secret_is_shown_once_and_only_managers_set_it(
    world: World, hook: dict[str, Any]
) -> None:
    path = f"/api/v1/pipelines/{hook['id']}/triggers/{hook['triggers'][0]['id']}/secret"

    generated = world.client("admin").put(path, {}, format="json").json()
    viewer = world.client("viewer").put(path, {"secret": "12345678"}, format="json")
    outsider = world.client("outsider").put(path, {"secret": "12345678"}, format="json")
    body = b'{"x": 1}'
    signed = deliver(
        _url(hook), body, {"X-Signature-256": hub_signature(generated["secret"], body)}
    )
    deleted = world.client("admin").delete(path)

    assert generated["hasSecret"] is True
    assert len(generated["secret"]) >= 32
    assert viewer.status_code == 403
    assert outsider.status_code == 404
    assert signed.status_code == 202
    assert deleted.status_code == 204
    assert not trigger_row(hook).has_secret


def test_rotating_the_url_retires_the_old_one(world: World, hook: dict[str, Any]) -> None:
    old = _url(hook)
    path = f"/api/v1/pipelines/{hook['id']}/triggers/{hook['triggers'][0]['id']}/rotate-url"

    response = world.client("admin").post(path, {}, format="json")

    assert response.status_code == 200
    assert deliver(old, b"{}").status_code == 404
    assert deliver(_url(hook), b"{}").status_code == 202


def test_the_reindex_command_keeps_urls_and_secrets(world: World, hook: dict[str, Any]) -> None:
    set_secret(world, hook, "kept-by-reindex")
    before = trigger_row(hook)

    call_command("trigger_reindex", stdout=io.StringIO())

    after = trigger_row(hook)
    assert (after.token, after.secret) == (before.token, before.secret)
