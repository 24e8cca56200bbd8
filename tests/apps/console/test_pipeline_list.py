"""The pipeline list: order by index with drag-to-reorder, the create dialog (templates and copy
from any readable pipeline of the team), search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.applications.services import application_create
from apps.pipelines.models import Pipeline
from tests.apps.console.conftest import json_post, make_pipeline
from tests.conftest import World

LIST = "/t/acme/applications/shop/pipelines/"


def names_in_order(client: Client) -> list[str]:
    html = client.get(LIST).content.decode()
    return [chunk.split("<")[0] for chunk in html.split('class="pipeline-name"><a href="')[1:]]


def test_reordering_keeps_the_slots_of_the_pipelines_shown(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    first, second, third = (make_pipeline(shop, world, name=name) for name in ("a", "b", "c"))
    owner = browser("owner")

    response = json_post(
        owner, LIST + "reorder", {"ids": [str(third.pk), str(first.pk), str(second.pk)]}
    )

    assert response.status_code == 200
    assert [name.split(">")[-1] for name in names_in_order(owner)] == ["c", "a", "b"]
    assert sorted(Pipeline.objects.values_list("index", flat=True)) == [0, 1, 2]


def test_only_pipeline_managers_reorder(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    first = make_pipeline(shop, world, name="a")
    developer = browser("developer")
    page = developer.get(LIST).content.decode()
    assert "data-reorder-url" not in page
    assert json_post(developer, LIST + "reorder", {"ids": [str(first.pk)]}).status_code == 403


def test_create_from_the_tencent_template_opens_the_editor(
    browser: Callable[[str], Client], world: World
) -> None:
    response = browser("admin").post(
        LIST + "new", {"name": "as deploy", "source": "tencent-autoscaling"}
    )
    pipeline = Pipeline.objects.get(name="as deploy")
    assert response.status_code == 302
    assert response["Location"] == f"/t/acme/pipelines/{pipeline.pk}/"
    assert [stage["type"] for stage in pipeline.config["stages"]][:2] == ["deploy", "deploy"]
    assert pipeline.change_source == "console"


def test_copy_from_another_application_disables_the_copied_triggers(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    other = application_create(team=world.team, name="billing", projects=["web"])
    original = make_pipeline(
        other, world, triggers=[{"type": "cron", "cronExpression": "0 0 * * * ?", "enabled": True}]
    )
    owner = browser("owner")
    options = owner.get("/t/acme/pipeline-search?q=billing").content.decode()

    response = owner.post(
        LIST + "new",
        {"name": "copied", "source": "copy", "copy_from": str(original.pk)},
        follow=True,
    )

    assert f'value="{original.pk}"' in options
    copy = Pipeline.objects.get(name="copied", application=shop)
    assert copy.config["triggers"][0]["enabled"] is False
    assert "trigger is disabled" in response.content.decode()


def test_copy_sources_stay_inside_the_team(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    from apps.applications.models import Application

    secret = make_pipeline(Application.objects.get(name="secret-app"), world, name="secret")
    owner = browser("owner")
    assert "secret" not in owner.get("/t/acme/pipeline-search?q=secret").content.decode()
    owner.post(LIST + "new", {"name": "stolen", "source": "copy", "copy_from": str(secret.pk)})
    assert not Pipeline.objects.filter(name="stolen").exists()


def test_search_filters_the_list(browser: Callable[[str], Client], world: World, shop: Any) -> None:
    make_pipeline(shop, world, name="deploy prod")
    make_pipeline(shop, world, name="rollback")
    page = browser("viewer").get(LIST + "?q=prod").content.decode()
    assert "deploy prod" in page
    assert ">rollback<" not in page
