"""Every console page renders for the team, hides other teams (404) and asks strangers to log in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.executions import runtime
from apps.executions.services.launch import pipeline_start
from tests.apps.console.conftest import make_pipeline
from tests.conftest import World


@pytest.fixture
def pages(world: World, shop: Any) -> list[str]:
    pipeline = make_pipeline(shop, world)
    execution = pipeline_start(pipeline_id=pipeline.pk, user=world.users["owner"])
    runtime.drain_all()
    base = "/t/acme/"
    return [
        base,
        f"{base}applications/shop/pipelines/",
        f"{base}applications/shop/pipelines/?deleted=1",
        f"{base}applications/shop/executions/",
        f"{base}applications/shop/infrastructure/",
        f"{base}pipelines/{pipeline.pk}/",
        f"{base}pipelines/{pipeline.pk}/revisions/",
        f"{base}pipelines/{pipeline.pk}/revisions/diff?from=1&to=current",
        f"{base}pipelines/{pipeline.pk}/executions/",
        f"{base}executions/{execution.pk}/",
        f"{base}executions/{execution.pk}/source",
        f"{base}projects/",
        f"{base}projects/web/",
        f"{base}workbench/",
        f"{base}cloud-accounts/",
        f"{base}settings/",
    ]


def test_every_page_renders_for_a_team_owner(
    browser: Callable[[str], Client], pages: list[str]
) -> None:
    owner = browser("owner")
    for url in pages:
        response = owner.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_project_members_read_the_pages_of_their_applications(
    browser: Callable[[str], Client], pages: list[str]
) -> None:
    viewer = browser("viewer")
    for url in pages:
        assert viewer.get(url).status_code == 200, url


def test_other_teams_see_nothing(browser: Callable[[str], Client], pages: list[str]) -> None:
    outsider = browser("outsider")
    for url in pages:
        assert outsider.get(url).status_code == 404, url


def test_a_team_member_outside_the_project_does_not_see_its_application(
    browser: Callable[[str], Client], pages: list[str]
) -> None:
    member = browser("member")
    assert member.get("/t/acme/").status_code == 200
    assert "shop" not in member.get("/t/acme/").content.decode()
    for url in pages:
        if "/applications/shop/" in url or "/pipelines/" in url or "/executions/" in url:
            assert member.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(
    browser: Callable[[str], Client], pages: list[str]
) -> None:
    anonymous = browser("anonymous")
    for url in pages:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_the_login_page_logs_in_with_a_password(world: World) -> None:
    user = world.users["owner"]
    user.set_password("correct horse battery")
    user.save()
    client = Client()
    page = client.get("/login/")
    response = client.post(
        "/login/", {"username": "owner", "password": "correct horse battery", "next": "/t/acme/"}
    )
    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/t/acme/"


def test_the_home_page_goes_straight_to_a_users_only_team(browser: Callable[[str], Client]) -> None:
    response = browser("viewer").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/t/acme/"


def test_team_home_lists_applications_with_counts_and_search(
    browser: Callable[[str], Client], world: World, shop: Any
) -> None:
    make_pipeline(shop, world)
    page = browser("owner").get("/t/acme/").content.decode()
    assert "shop" in page
    assert "Pipelines" in page
    assert "Web" in page
    empty = browser("owner").get("/t/acme/?q=nothing-like-this", HTTP_HX_REQUEST="true")
    assert "No application matches" in empty.content.decode()
