"""API tokens: shown once, stored hashed, revoked or expired keys refused, scopes enforced."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.users.models import ApiToken
from apps.users.tokens import hash_key


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_created_key_is_shown_once_and_stored_hashed(world: Any) -> None:
    response = world.client("developer").post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_hash == hash_key(key)
    assert key not in str(list(ApiToken.objects.values()))
    listed = world.client("developer").get("/api/v1/tokens/").json()["results"]
    assert all("key" not in item for item in listed)
    assert bearer(key).get("/api/v1/teams/").status_code == 200


def test_revoked_keys_get_401(world: Any) -> None:
    client = world.client("developer")
    created = client.post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    assert client.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204
    response = bearer(created["key"]).get("/api/v1/teams/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_keys_get_401(world: Any) -> None:
    created = (
        world.client("developer")
        .post("/api/v1/tokens/", {"name": "ci", "expiresDays": 1}, format="json")
        .json()
    )
    ApiToken.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(1))
    assert bearer(created["key"]).get("/api/v1/teams/").status_code == 401


def test_unknown_and_malformed_keys_get_401(db: Any) -> None:
    assert bearer("cdp_nope").get("/api/v1/teams/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token a b")
    assert client.get("/api/v1/teams/").status_code == 401


def test_someone_elses_token_cannot_be_revoked(world: Any) -> None:
    created = (
        world.client("developer").post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    )
    assert world.client("owner").delete(f"/api/v1/tokens/{created['id']}/").status_code == 404


def test_read_scope_allows_reads_only(world: Any) -> None:
    client = world.client("owner", scopes=["read"])
    assert client.get("/api/v1/teams/acme/").status_code == 200
    response = client.patch("/api/v1/teams/acme/", {"description": "x"}, format="json")
    assert response.status_code == 403
    assert "write" in response.json()["message"]


def test_last_used_is_recorded(world: Any) -> None:
    created = (
        world.client("developer").post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    )
    bearer(created["key"]).get("/api/v1/teams/")
    assert ApiToken.objects.get(pk=created["id"]).last_used_at is not None


def test_issue_token_prints_only_the_key(world: Any) -> None:
    out = io.StringIO()
    call_command(
        "issue_token", "developer", "script", "--scopes", "read", "--expires-days", "7", stdout=out
    )
    key = out.getvalue().strip()
    assert key.startswith("cdp_")
    assert "\n" not in key
    token = ApiToken.objects.get(name="script")
    assert token.scopes == ["read"]
    assert token.expires_at is not None
    assert bearer(key).get("/api/v1/teams/").status_code == 200
