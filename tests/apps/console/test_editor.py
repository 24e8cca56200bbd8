"""The editor's endpoints: save as the console (revisions, notes), stale saves, locks, unknown
keys, validation with pointers, stage copy, and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.pipelines import selectors as pipeline_selectors
from apps.pipelines.models import Pipeline
from tests.apps.console.conftest import json_post, make_pipeline
from tests.conftest import World


def document_url(pipeline: Pipeline) -> str:
    return f"/t/acme/pipelines/{pipeline.pk}/document"


def loaded(client: Client, pipeline: Pipeline) -> dict[str, Any]:
    document = client.get(document_url(pipeline)).json()["document"]
    document.pop("cdplatform")
    return document


def test_the_editor_page_carries_the_document_and_the_catalogue_link(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    page = browser("owner").get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()
    assert 'id="pipeline-document"' in page
    assert "catalog.json?v=" in page
    catalog = browser("owner").get("/t/acme/catalog.json").json()
    assert {group["key"] for group in catalog["stageGroups"]} == {
        "general",
        "kubernetes",
        "tencentcloud",
    }
    assert any(stage["type"] == "wait" and stage["runnable"] for stage in catalog["stageTypes"])


def test_a_console_save_is_a_revision_with_its_note_and_keeps_unknown_keys(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world, customKey={"kept": [1, 2]})
    owner = browser("owner")
    document = loaded(owner, pipeline)
    document["stages"][1]["waitTime"] = 42
    document["stages"][1]["vendorExtension"] = "still here"

    response = json_post(
        owner, document_url(pipeline), {"document": document, "note": "longer soak"}
    )

    assert response.status_code == 200, response.content
    saved = response.json()["document"]
    assert saved["cdplatform"]["revision"] == 2
    assert saved["stages"][1]["waitTime"] == 42
    assert saved["stages"][1]["vendorExtension"] == "still here"
    assert saved["customKey"] == {"kept": [1, 2]}
    latest = pipeline_selectors.revision_list(pipeline=pipeline).first()
    assert (latest.change_source, latest.history_change_reason) == ("console", "longer soak")


def test_a_stale_save_is_refused_with_the_revision_that_won(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    mine = loaded(owner, pipeline)
    theirs = loaded(owner, pipeline)
    theirs["description"] = "saved first"
    assert json_post(owner, document_url(pipeline), {"document": theirs}).status_code == 200
    mine["description"] = "saved second"

    response = json_post(owner, document_url(pipeline), {"document": mine})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert body["details"]["revision"] == 2
    pipeline.refresh_from_db()
    assert pipeline.config["description"] == "saved first"


def test_a_locked_pipeline_refuses_console_saves_even_when_the_api_may_update(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    lock = owner.post(
        f"/t/acme/pipelines/{pipeline.pk}/lock",
        {"description": "release freeze", "allow_unlock_ui": "on", "allow_api_updates": "on"},
    )
    assert lock.status_code == 302
    document = loaded(owner, pipeline)
    document["description"] = "console edit"

    refused = json_post(owner, document_url(pipeline), {"document": document})
    page = owner.get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()
    api = world.client("owner").patch(
        f"/api/v1/pipelines/{pipeline.pk}/", {"description": "api edit"}, format="json"
    )

    assert refused.status_code == 423
    assert "release freeze" in page
    assert "locked by" in page
    assert '"readOnly": true' in page
    assert api.status_code == 200, api.content
    pipeline.refresh_from_db()
    assert pipeline.config["description"] == "api edit"


def test_validation_points_at_the_offending_place_without_saving(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    document = loaded(owner, pipeline)
    document["stages"][1]["requisiteStageRefIds"] = ["99"]

    checked = json_post(owner, f"/t/acme/pipelines/{pipeline.pk}/validate", {"document": document})
    saved = json_post(owner, document_url(pipeline), {"document": document})

    assert checked.status_code == 400
    pointers = [error["pointer"] for error in checked.json()["details"]["errors"]]
    assert "/stages/1/requisiteStageRefIds/0" in pointers
    assert saved.status_code == 400
    assert Pipeline.objects.get(pk=pipeline.pk).revision == 1


def test_stage_copy_appends_fresh_stages_after_the_chosen_one(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    target = make_pipeline(shop, world)
    source = make_pipeline(shop, world, name="source")
    owner = browser("owner")

    response = json_post(
        owner,
        f"/t/acme/pipelines/{target.pk}/stages/copy",
        {
            "from": str(source.pk),
            "refIds": ["1"],
            "after": ["2"],
            "revision": 1,
            "updateTs": str(target.update_ts),
        },
    )

    assert response.status_code == 200, response.content
    stages = response.json()["document"]["stages"]
    assert [stage["refId"] for stage in stages] == ["1", "2", "3"]
    assert stages[2]["requisiteStageRefIds"] == ["2"]


def test_readers_cannot_save_and_see_why(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    viewer = browser("viewer")
    document = loaded(viewer, pipeline)

    response = json_post(viewer, document_url(pipeline), {"document": document})
    page = viewer.get(f"/t/acme/pipelines/{pipeline.pk}/").content.decode()

    assert response.status_code == 403
    assert "manage pipelines" in page
    assert 'id="save-button"' not in page


def test_other_teams_cannot_read_a_pipeline_document(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    assert browser("outsider").get(document_url(pipeline)).status_code == 404
    assert browser("anonymous").get(document_url(pipeline)).status_code == 401


def test_identical_saves_make_no_revision(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    pipeline = make_pipeline(shop, world)
    owner = browser("owner")
    response = json_post(owner, document_url(pipeline), {"document": loaded(owner, pipeline)})
    assert response.json()["document"]["cdplatform"]["revision"] == 1
