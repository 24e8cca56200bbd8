"""Credentials are write-only: never in API responses, admin pages, history, logs or errors;
encrypted at rest."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection

from apps.cloudaccounts.models import CloudAccount

SECRET_KEY = "sk-super-secret-value-123"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.token-secret-value"
KUBECONFIG = f"""
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {{server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}
users:
- name: u
  user: {{token: "{TOKEN}"}}
contexts:
- name: ctx
  context: {{cluster: c, user: u}}
current-context: ctx
"""
SECRETS = [SECRET_KEY, TOKEN]


@pytest.fixture
def accounts(world: Any) -> Any:
    client = world.client("owner")
    for body in (
        {
            "name": "tc",
            "provider": "tencent",
            "kind": "keys",
            "secretId": "AKIDvisible",
            "secretKey": SECRET_KEY,
            "regions": ["ap-guangzhou"],
        },
        {
            "name": "kc",
            "provider": "kubernetes",
            "kind": "kubeconfig",
            "kubeconfig": KUBECONFIG,
            "context": "ctx",
        },
        {
            "name": "sa",
            "provider": "kubernetes",
            "kind": "service_account",
            "server": "https://127.0.0.1:1",
            "token": TOKEN,
        },
    ):
        response = client.post("/api/v1/teams/acme/cloud-accounts/", body, format="json")
        assert response.status_code == 201, response.content
        assert not any(secret in response.content.decode() for secret in SECRETS)
    return client


def test_secrets_never_appear_in_responses(accounts: Any) -> None:
    for path in (
        "/api/v1/teams/acme/cloud-accounts/",
        "/api/v1/teams/acme/cloud-accounts/tc/",
        "/api/v1/teams/acme/cloud-accounts/kc/",
        "/api/v1/teams/acme/cloud-accounts/sa/",
    ):
        body = accounts.get(path).content.decode()
        assert not any(secret in body for secret in SECRETS), path
    detail = accounts.get("/api/v1/teams/acme/cloud-accounts/tc/").json()
    assert detail["credentialFields"] == ["secretId", "secretKey"]


def test_secrets_are_encrypted_at_rest(accounts: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM cloudaccounts_cloudaccount")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT * FROM cloudaccounts_historicalcloudaccount")
        history = str(cursor.fetchall())
    assert not any(secret in stored or secret in history for secret in SECRETS)
    assert CloudAccount.objects.get(name="tc").credentials["secret_key"] == SECRET_KEY


def test_checks_and_logs_never_echo_secrets(accounts: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("tc", "kc", "sa"):
        body = accounts.post(f"/api/v1/teams/acme/cloud-accounts/{name}/check").content.decode()
        assert not any(secret in body for secret in SECRETS)
        assert '"status":"error"' in body.replace(" ", "")
    assert not any(secret in caplog.text for secret in SECRETS)


def test_admin_pages_never_show_secrets(accounts: Any, client: Any, world: Any) -> None:
    admin = world.users["owner"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    account = CloudAccount.objects.get(name="tc")
    for url in (
        "/admin/cloudaccounts/cloudaccount/",
        f"/admin/cloudaccounts/cloudaccount/{account.pk}/change/",
        f"/admin/cloudaccounts/cloudaccount/{account.pk}/history/",
    ):
        body = client.get(url).content.decode()
        assert not any(secret in body for secret in SECRETS), url


def test_a_kubeconfig_that_runs_commands_or_reads_files_is_refused(world: Any) -> None:
    evil = KUBECONFIG.replace(
        f'{{token: "{TOKEN}"}}', '{exec: {command: "sh", args: ["-c", "id"]}}'
    )
    response = world.client("owner").post(
        "/api/v1/teams/acme/cloud-accounts/",
        {"name": "evil", "provider": "kubernetes", "kind": "kubeconfig", "kubeconfig": evil},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/kubeconfig"
    assert "exec" in response.json()["message"]
    assert not CloudAccount.objects.filter(name="evil").exists()


def test_an_unparsable_kubeconfig_error_does_not_quote_it(world: Any) -> None:
    broken = f"users: [{{token: {TOKEN}\n  - ["
    response = world.client("owner").post(
        "/api/v1/teams/acme/cloud-accounts/",
        {"name": "bad", "provider": "kubernetes", "kind": "kubeconfig", "kubeconfig": broken},
        format="json",
    )
    assert response.status_code == 400
    assert TOKEN not in response.content.decode()
