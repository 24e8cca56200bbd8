"""Settings, schema, commands and the console shell of the foundation."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.cloudaccounts.models import CloudAccount
from apps.teams.models import Membership
from cdplatform.keys import load_or_create_encryption_keys, load_or_create_secret_key


def test_secret_keys_are_generated_once_outside_git(tmp_path: Path) -> None:
    first = load_or_create_secret_key(tmp_path / "secret_key")
    assert first == load_or_create_secret_key(tmp_path / "secret_key")
    assert len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    keys = load_or_create_encryption_keys(tmp_path / "keys")
    assert keys == load_or_create_encryption_keys(tmp_path / "keys")
    assert "var/" in (Path(settings.BASE_DIR) / ".gitignore").read_text()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database is SQLite")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_openapi_schema_and_docs_are_served_without_a_cdn(world: Any, client: Any) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/teams/{team}/cloud-accounts/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


def test_seed_demo_is_idempotent(db: Any) -> None:
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    assert (
        Membership.objects.filter(team__slug="demo", user__username="demo", role="owner").count()
        == 1
    )
    assert set(CloudAccount.objects.filter(team__slug="demo").values_list("kind", flat=True)) == {
        "sandbox"
    }
    out = io.StringIO()
    call_command("seed_demo", "--token", stdout=out)
    assert "cdp_" in out.getvalue()


def test_console_login_and_team_home(world: Any, client: Any) -> None:
    owner = world.users["owner"]
    owner.set_password("console-pass-1")
    owner.save()
    assert client.get("/t/acme/").status_code == 302  # to the login page
    response = client.post("/login/", {"username": "owner", "password": "console-pass-1"})
    assert response.status_code == 302
    home = client.get("/t/acme/")
    assert home.status_code == 200
    assert b"shop" in home.content
    assert client.get("/t/other/").status_code == 404


def test_console_speaks_the_browsers_language(world: Any, client: Any) -> None:
    client.force_login(world.users["owner"])
    chinese = client.get("/t/acme/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    english = client.get("/t/acme/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert "Applications" in english


def test_celery_app_has_its_health_check() -> None:
    from cdplatform.celery import app, health_check

    assert "cdplatform.health_check" in app.tasks
    assert health_check.run() == "ok"
