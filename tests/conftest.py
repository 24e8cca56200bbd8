"""Shared fixtures: users with API tokens, a team with every role, an outsider team."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.applications.services import application_create
from apps.cloudaccounts.services import cloud_account_create
from apps.teams.models import Project, Team
from apps.teams.services import (
    project_create,
    project_member_add,
    team_create,
    team_member_add,
)
from apps.users.models import User
from apps.users.services import token_create, user_create


@pytest.fixture(autouse=True)
def _fresh_platform_settings() -> Any:
    """Runtime overrides (sandbox URLs, limits) set by one test never leak into the next."""
    yield
    from apps.core.conf import platform_settings

    platform_settings.clear_runtime()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's real cost (~0.3 s a hash) would dominate a suite that makes many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_token_names = itertools.count()


def make_user(username: str, password: str | None = None) -> User:
    return user_create(username=username, password=password)


def client_for(user: User | None, scopes: list[str] | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        key = token_create(user=user, name=f"t-{next(_token_names)}", scopes=scopes).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@dataclass
class World:
    team: Team
    project: Project
    other_team: Team
    users: dict[str, User]

    def client(self, role: str, scopes: list[str] | None = None) -> APIClient:
        return client_for(self.users.get(role), scopes)


ROLES = [
    "anonymous",
    "outsider",
    "member",
    "viewer",
    "developer",
    "project_admin",
    "admin",
    "owner",
]


@pytest.fixture
def world(db: Any) -> World:
    """Team `acme` with one user per role, project `web`, app `shop`, account `k8s`.

    `member` belongs to the team but to no project; `outsider` owns team `other`.
    """
    return make_world()


@pytest.fixture
def live_world(transactional_db: Any) -> Any:
    """The same world, committed, for tests whose server or worker threads must see it."""
    yield make_world()
    from tests.workers import CeleryWorkers

    if CeleryWorkers.shared is not None:
        # Runs this test started may still be moving: settle before the tables are flushed.
        CeleryWorkers.shared.quiesce()


@pytest.fixture(scope="session")
def _celery_workers(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from tests.workers import CeleryWorkers

    with django_db_blocker.unblock():
        workers = CeleryWorkers().start()
    CeleryWorkers.shared = workers
    yield workers
    CeleryWorkers.shared = None
    workers.stop()


@pytest.fixture
def engine_worker(request: Any, transactional_db: Any) -> Any:
    """Runs progress on their own: the local worker thread (embedded mode) or real Celery
    worker processes, shared by the session (CDP_ENGINE=celery, the PostgreSQL run)."""
    from apps.executions import runtime

    if runtime.engine_mode() == "celery":
        workers = request.getfixturevalue("_celery_workers")
        yield workers
        workers.quiesce()
        return
    from apps.executions.worker import LocalWorker

    worker = LocalWorker().start()
    yield worker
    worker.stop()


def make_world() -> World:
    users = {name: make_user(name) for name in ROLES if name != "anonymous"}
    team = team_create(creator=users["owner"], slug="acme", name="Acme")
    team_member_add(actor=users["owner"], team=team, username="admin", role="admin")
    team_member_add(actor=users["owner"], team=team, username="member", role="member")
    project = project_create(team=team, slug="web", name="Web")
    project_member_add(project=project, username="viewer", role="viewer")
    project_member_add(project=project, username="developer", role="developer")
    project_member_add(project=project, username="project_admin", role="admin")
    application_create(team=team, name="shop", description="Shop", projects=["web"])
    cloud_account_create(team=team, name="k8s", provider="kubernetes", kind="sandbox")
    other = team_create(creator=users["outsider"], slug="other", name="Other")
    project_create(team=other, slug="secret-project")
    application_create(team=other, name="secret-app")
    return World(team=team, project=project, other_team=other, users=users)


@pytest.fixture
def api() -> APIClient:
    return APIClient()
