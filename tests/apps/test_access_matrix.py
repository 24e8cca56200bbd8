"""Every foundation endpoint against every role: 401 anonymous, 404 outsiders, 403 readers
who may not act, 2xx for the right role. Another team's objects are always 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ROLES

TEAM = {"member", "viewer", "developer", "project_admin", "admin", "owner"}
PROJECT = {"viewer", "developer", "project_admin", "admin", "owner"}
MANAGERS = {"admin", "owner"}
PROJECT_ADMINS = {"project_admin", "admin", "owner"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    ok: int
    allowed: frozenset[str]
    readers: frozenset[str]
    body: Any = None


def case(
    name: str,
    method: str,
    path: str,
    ok: int,
    allowed: set[str],
    readers: set[str],
    body: Any = None,
) -> Case:
    return Case(name, method, path, ok, frozenset(allowed), frozenset(readers), body)


T = "/api/v1/teams/acme"
CASES = [
    case("team-detail", "get", f"{T}/", 200, TEAM, TEAM),
    case("team-update", "patch", f"{T}/", 200, MANAGERS, TEAM, {"description": "new"}),
    case("team-delete", "delete", f"{T}/", 204, {"owner"}, TEAM),
    case("members-list", "get", f"{T}/members/", 200, TEAM, TEAM),
    case("members-add", "post", f"{T}/members/", 201, MANAGERS, TEAM, {"username": "outsider"}),
    case("members-update", "patch", f"{T}/members/member/", 200, MANAGERS, TEAM, {"role": "admin"}),
    case("members-remove", "delete", f"{T}/members/member/", 204, MANAGERS, TEAM),
    case("projects-list", "get", f"{T}/projects/", 200, TEAM, TEAM),
    case("projects-create", "post", f"{T}/projects/", 201, MANAGERS, TEAM, {"slug": "mobile"}),
    case("project-detail", "get", f"{T}/projects/web/", 200, PROJECT, PROJECT),
    case(
        "project-update",
        "patch",
        f"{T}/projects/web/",
        200,
        PROJECT_ADMINS,
        PROJECT,
        {"name": "Web shop"},
    ),
    case("project-delete", "delete", f"{T}/projects/web/", 204, MANAGERS, PROJECT),
    case("project-members-list", "get", f"{T}/projects/web/members/", 200, PROJECT, PROJECT),
    case(
        "project-members-add",
        "post",
        f"{T}/projects/web/members/",
        201,
        PROJECT_ADMINS,
        PROJECT,
        {"username": "member", "role": "viewer"},
    ),
    case(
        "project-members-update",
        "patch",
        f"{T}/projects/web/members/viewer/",
        200,
        PROJECT_ADMINS,
        PROJECT,
        {"role": "developer"},
    ),
    case(
        "project-members-remove",
        "delete",
        f"{T}/projects/web/members/viewer/",
        204,
        PROJECT_ADMINS,
        PROJECT,
    ),
    case("applications-list", "get", f"{T}/applications/", 200, TEAM, TEAM),
    case(
        "applications-create",
        "post",
        f"{T}/applications/",
        201,
        MANAGERS,
        TEAM,
        {"name": "api", "projects": ["web"]},
    ),
    case("application-detail", "get", f"{T}/applications/shop/", 200, PROJECT, PROJECT),
    case(
        "application-update",
        "patch",
        f"{T}/applications/shop/",
        200,
        MANAGERS,
        PROJECT,
        {"description": "d", "enableRestartRunningExecutions": True},
    ),
    case("application-delete", "delete", f"{T}/applications/shop/", 204, MANAGERS, PROJECT),
    case("accounts-list", "get", f"{T}/cloud-accounts/", 200, TEAM, TEAM),
    case(
        "accounts-create",
        "post",
        f"{T}/cloud-accounts/",
        201,
        MANAGERS,
        TEAM,
        {
            "name": "tc",
            "provider": "tencent",
            "kind": "keys",
            "secretId": "AKIDx",
            "secretKey": "sk",
            "regions": ["ap-guangzhou"],
        },
    ),
    case("account-detail", "get", f"{T}/cloud-accounts/k8s/", 200, TEAM, TEAM),
    case(
        "account-update",
        "patch",
        f"{T}/cloud-accounts/k8s/",
        200,
        MANAGERS,
        TEAM,
        {"description": "sandbox"},
    ),
    case("account-delete", "delete", f"{T}/cloud-accounts/k8s/", 204, MANAGERS, TEAM),
    case("account-check", "post", f"{T}/cloud-accounts/k8s/check", 200, MANAGERS, TEAM),
]


def expected_status(c: Case, role: str) -> int:
    if role == "anonymous":
        return 401
    if role not in c.readers:
        return 404
    if role not in c.allowed:
        return 403
    return c.ok


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_endpoint_answers_each_role(world: Any, c: Case, role: str) -> None:
    response = getattr(world.client(role), c.method)(c.path, c.body, format="json")
    assert response.status_code == expected_status(c, role), response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "details"}


OTHER = "/api/v1/teams/other"
OTHER_OBJECTS = [
    ("get", f"{OTHER}/"),
    ("patch", f"{OTHER}/"),
    ("get", f"{OTHER}/members/"),
    ("get", f"{OTHER}/projects/secret-project/"),
    ("get", f"{OTHER}/projects/secret-project/members/"),
    ("get", f"{OTHER}/applications/secret-app/"),
    ("delete", f"{OTHER}/applications/secret-app/"),
    ("get", f"{OTHER}/cloud-accounts/"),
]


@pytest.mark.parametrize(("method", "path"), OTHER_OBJECTS)
def test_another_teams_existing_objects_are_404_like_missing_ones(
    world: Any, method: str, path: str
) -> None:
    client = world.client("owner")  # owner of acme, stranger to `other`
    existing = getattr(client, method)(path, {}, format="json")
    missing = getattr(client, method)(path.replace("other", "nope"), {}, format="json")
    assert existing.status_code == 404
    assert missing.status_code == 404
    assert existing.json()["code"] == missing.json()["code"] == "not_found"


def test_team_list_shows_only_the_users_teams(world: Any) -> None:
    slugs = [t["slug"] for t in world.client("developer").get("/api/v1/teams/").json()["results"]]
    assert slugs == ["acme"]
    assert [
        t["slug"] for t in world.client("outsider").get("/api/v1/teams/").json()["results"]
    ] == ["other"]


def test_member_without_project_sees_no_application(world: Any) -> None:
    assert world.client("member").get(f"{T}/applications/").json()["results"] == []
    names = [a["name"] for a in world.client("viewer").get(f"{T}/applications/").json()["results"]]
    assert names == ["shop"]


def test_creating_a_team_makes_the_creator_its_owner(world: Any) -> None:
    client = world.client("member")
    assert (
        client.post("/api/v1/teams/", {"slug": "newco", "name": "New"}, format="json").status_code
        == 201
    )
    members = client.get("/api/v1/teams/newco/members/").json()["results"]
    assert [(m["username"], m["role"]) for m in members] == [("member", "owner")]


def test_admin_cannot_grant_owner_but_owner_can(world: Any) -> None:
    body = {"role": "owner"}
    assert (
        world.client("admin").patch(f"{T}/members/member/", body, format="json").status_code == 403
    )
    assert (
        world.client("owner").patch(f"{T}/members/member/", body, format="json").status_code == 200
    )


def test_last_owner_cannot_leave(world: Any) -> None:
    response = world.client("owner").delete(f"{T}/members/owner/")
    assert response.status_code == 409
    assert "owner" in response.json()["message"]


def test_joining_a_project_makes_a_plain_team_member(world: Any) -> None:
    from tests.conftest import make_user

    make_user("newbie")
    world.client("project_admin").post(
        f"{T}/projects/web/members/", {"username": "newbie", "role": "developer"}, format="json"
    )
    members = {
        m["username"]: m["role"]
        for m in world.client("owner").get(f"{T}/members/").json()["results"]
    }
    assert members["newbie"] == "member"


def test_removing_a_team_member_removes_their_project_roles(world: Any) -> None:
    world.client("owner").delete(f"{T}/members/developer/")
    response = world.client("developer").get(f"{T}/projects/web/")
    assert response.status_code == 404


def test_binding_an_application_to_a_project_grants_its_members_read(world: Any) -> None:
    owner = world.client("owner")
    owner.post(f"{T}/projects/", {"slug": "mobile"}, format="json")
    owner.post(
        f"{T}/projects/mobile/members/", {"username": "member", "role": "viewer"}, format="json"
    )
    assert world.client("member").get(f"{T}/applications/shop/").status_code == 404
    owner.patch(f"{T}/applications/shop/", {"projects": ["web", "mobile"]}, format="json")
    assert world.client("member").get(f"{T}/applications/shop/").json()["projects"] == [
        "mobile",
        "web",
    ]
