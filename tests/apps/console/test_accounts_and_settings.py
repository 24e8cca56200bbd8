"""Cloud accounts (secrets are write-only) and team settings (members, projects, API tokens)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from apps.cloudaccounts.models import CloudAccount
from apps.teams.models import Membership, ProjectMembership
from apps.users.models import ApiToken
from tests.conftest import World

KUBECONFIG = """
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: super-secret-token}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
"""


def test_a_kubeconfig_account_is_created_and_its_secret_never_shown(
    browser: Callable[[str], Client], world: World
) -> None:
    admin = browser("admin")
    response = admin.post(
        "/t/acme/cloud-accounts/new",
        {
            "name": "prod",
            "provider": "kubernetes",
            "kind": "kubeconfig",
            "kubeconfig": KUBECONFIG,
            "context": "ctx",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = CloudAccount.objects.get(team=world.team, name="prod")
    assert account.credential_fields == ["kubeconfig"]
    assert account.status in ("ok", "error")  # checked at once
    listing = admin.get("/t/acme/cloud-accounts/").content.decode()
    edit = admin.get("/t/acme/cloud-accounts/prod/edit").content.decode()
    assert "super-secret-token" not in listing
    assert "super-secret-token" not in edit
    assert "stored" in edit


def test_editing_with_blank_secrets_keeps_the_stored_ones(
    browser: Callable[[str], Client], world: World
) -> None:
    admin = browser("admin")
    admin.post(
        "/t/acme/cloud-accounts/new",
        {
            "name": "tc",
            "provider": "tencent",
            "kind": "keys",
            "secret_id": "AKIDx",
            "secret_key": "sk",
            "regions": "ap-guangzhou",
        },
    )
    response = admin.post(
        "/t/acme/cloud-accounts/tc/edit",
        {
            "provider": "tencent",
            "kind": "keys",
            "description": "renamed",
            "regions": "ap-guangzhou, ap-shanghai",
        },
    )
    account = CloudAccount.objects.get(team=world.team, name="tc")
    assert response.status_code == 302
    assert account.credentials == {"secret_id": "AKIDx", "secret_key": "sk"}
    assert account.settings["regions"] == ["ap-guangzhou", "ap-shanghai"]
    assert account.description == "renamed"


def test_a_bad_account_form_shows_the_errors_next_to_the_fields(
    browser: Callable[[str], Client], world: World
) -> None:
    response = browser("admin").post(
        "/t/acme/cloud-accounts/new",
        {"name": "bad", "provider": "kubernetes", "kind": "kubeconfig"},
    )
    assert response.status_code == 400
    assert "Required for kubernetes accounts" in response.content.decode()


def test_members_cannot_manage_accounts(browser: Callable[[str], Client], world: World) -> None:
    member = browser("member")
    page = member.get("/t/acme/cloud-accounts/").content.decode()
    assert "Team owners and admins manage cloud accounts." in page
    assert member.get("/t/acme/cloud-accounts/new").status_code == 403
    assert member.post("/t/acme/cloud-accounts/k8s/check").status_code == 403


def test_admins_add_members_and_change_roles(
    browser: Callable[[str], Client], world: World
) -> None:
    admin = browser("admin")
    admin.post(
        "/t/acme/settings/members", {"action": "add", "username": "viewer", "role": "member"}
    )
    admin.post(
        "/t/acme/settings/members", {"action": "role", "username": "viewer", "role": "admin"}
    )
    owner_grant = admin.post(
        "/t/acme/settings/members", {"action": "role", "username": "member", "role": "owner"}
    )
    assert Membership.objects.get(team=world.team, user__username="viewer").role == "admin"
    assert owner_grant.status_code == 302
    assert Membership.objects.get(team=world.team, user__username="member").role == "member"


def test_project_admins_manage_their_project_members(
    browser: Callable[[str], Client], world: World
) -> None:
    project_admin = browser("project_admin")
    response = project_admin.post(
        "/t/acme/settings/projects",
        {"action": "add", "project": "web", "username": "member", "role": "developer"},
    )
    assert response.status_code == 302
    assert ProjectMembership.objects.filter(project=world.project, user__username="member").exists()
    assert (
        browser("developer")
        .post(
            "/t/acme/settings/projects",
            {"action": "remove", "project": "web", "username": "member"},
        )
        .status_code
        == 403
    )


def test_a_new_token_key_is_shown_once_and_can_be_revoked(
    browser: Callable[[str], Client], world: World
) -> None:
    viewer = browser("viewer")
    created = viewer.post(
        "/t/acme/settings/tokens", {"action": "create", "name": "ci", "scopes": ["read", "execute"]}
    )
    token = ApiToken.objects.get(user=world.users["viewer"], name="ci")
    html = created.content.decode()
    key = html.split('id="new-token-key" class="code wide-input" readonly value="')[1].split('"')[0]
    later = viewer.get("/t/acme/settings/").content.decode()
    revoked = viewer.post("/t/acme/settings/tokens", {"action": "revoke", "token": token.pk})

    assert key.startswith(token.key_prefix)
    assert key not in later
    assert token.key_prefix in later
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.scopes == ["read", "execute"]
