"""List pages cost the same number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.applications.services import application_create
from apps.executions import runtime
from apps.executions.models import ReleaseOrder
from apps.executions.services.launch import pipeline_start
from apps.teams.services import project_create, project_member_add
from tests.apps.console.conftest import fake_runs, json_post, make_pipeline
from tests.conftest import World


def queries(client: Client, url: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def grow(world: World, shop: Any, size: int) -> dict[str, Any]:
    """Adds `size` applications, pipelines, runs, release orders and projects."""
    pipelines = []
    for index in range(size):
        app = application_create(team=world.team, name=f"app-{size}-{index}", projects=["web"])
        fake_runs(app, None, 2)
        pipeline = make_pipeline(shop, world, name=f"p-{size}-{index}")
        fake_runs(shop, pipeline, 6)
        pipelines.append(pipeline)
        project = project_create(team=world.team, slug=f"proj-{size}-{index}")
        project_member_add(project=project, username="developer", role="developer")
        ReleaseOrder.objects.create(
            team=world.team,
            project=world.project,
            application=shop,
            pipeline_config_id=str(pipeline.pk),
            pipeline_name=pipeline.name,
            created_by=world.users["developer"],
        )
    return {"pipeline": pipelines[0]}


PAGES = [
    "/t/acme/",
    "/t/acme/applications/shop/pipelines/",
    "/t/acme/applications/shop/executions/",
    "/t/acme/projects/",
    "/t/acme/projects/web/",
    "/t/acme/workbench/",
    "/t/acme/cloud-accounts/",
    "/t/acme/settings/",
    "/t/acme/pipeline-search?q=p",
]


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_do_not_grow_with_their_rows(
    browser: Callable[[str], Client],
    world: World,
    shop: Any,
    url: str,
    django_assert_max_num_queries: Any,
) -> None:
    owner = browser("owner")
    grow(world, shop, 2)
    small = queries(owner, url)
    grow(world, shop, 12)
    with django_assert_max_num_queries(small):
        owner.get(url)


def test_pipeline_pages_do_not_grow_with_runs_or_revisions(
    browser: Callable[[str], Client], world: World, shop: Any, django_assert_max_num_queries: Any
) -> None:
    owner = browser("owner")
    pipeline = make_pipeline(shop, world)
    fake_runs(shop, pipeline, 3)
    pages = [
        f"/t/acme/pipelines/{pipeline.pk}/",
        f"/t/acme/pipelines/{pipeline.pk}/executions/",
        f"/t/acme/pipelines/{pipeline.pk}/revisions/",
    ]
    small = [queries(owner, url) for url in pages]
    fake_runs(shop, pipeline, 60)
    document = owner.get(f"/t/acme/pipelines/{pipeline.pk}/document").json()["document"]
    for wait in range(1, 15):
        document["stages"][1]["waitTime"] = wait
        document = json_post(
            owner, f"/t/acme/pipelines/{pipeline.pk}/document", {"document": document}
        ).json()["document"]
    for url, count in zip(pages, small, strict=True):
        with django_assert_max_num_queries(count):
            owner.get(url)


def test_a_developer_sees_the_same_pages_in_a_bounded_number_of_queries(
    browser: Callable[[str], Client], world: World, shop: Any, django_assert_max_num_queries: Any
) -> None:
    developer = browser("developer")
    grow(world, shop, 2)
    small = {url: queries(developer, url) for url in PAGES}
    grow(world, shop, 10)
    for url, count in small.items():
        with django_assert_max_num_queries(count):
            developer.get(url)


def wait_for_judgments(world: World, count: int) -> None:
    """`count` runs stopped at a manual judgment, each in an application of its own."""
    start = len(world.team.applications.all())
    for index in range(start, start + count):
        app = application_create(team=world.team, name=f"judged-{index}", projects=["web"])
        pipeline = make_pipeline(app, world)
        pipeline_start(pipeline_id=pipeline.pk, user=world.users["owner"])
    runtime.drain_all()


@pytest.mark.parametrize("role", ["owner", "project_admin"])
def test_the_workbench_does_not_grow_with_the_judgments_waiting(
    browser: Callable[[str], Client], world: World, role: str, django_assert_max_num_queries: Any
) -> None:
    judge = browser(role)
    wait_for_judgments(world, 2)
    small = queries(judge, "/t/acme/workbench/")
    wait_for_judgments(world, 8)
    with django_assert_max_num_queries(small):
        page = judge.get("/t/acme/workbench/").content.decode()
    assert page.count("#stage=") == 10
