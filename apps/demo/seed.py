"""Creates (or brings up to date) the demo team; safe to run any number of times."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.applications.models import Application
from apps.applications.services import application_create, application_update
from apps.cloudaccounts.models import CloudAccount
from apps.cloudaccounts.services import cloud_account_create
from apps.demo.pipelines import release_pipeline
from apps.pipelines.models import Pipeline
from apps.pipelines.services.configs import pipeline_create, pipeline_create_from_template
from apps.teams.models import Membership, Project, ProjectMembership, Team, TeamRole
from apps.teams.services import membership_set, project_create, project_member_add, team_create
from apps.users.models import ApiToken, User
from apps.users.services import IssuedToken, token_create, user_create

DEMO_TEAM = "demo"
DEMO_PROJECT = "shop"
DEMO_TOKEN_NAME = "make-run"  # noqa: S105 - a token's display name, not a secret


@dataclass(frozen=True)
class DemoCredentials:
    username: str
    password: str
    developer: str
    developer_password: str


def _password(name: str) -> str:
    """A random password generated once per data directory, so it survives restarts."""
    path = Path(settings.DATA_DIR) / f"demo-password-{name}"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def _user(username: str, display_name: str) -> tuple[User, str]:
    password = _password(username)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=password, display_name=display_name)
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, password


def _seed_pipelines(team: Team, owner: User, base_url: str) -> None:
    """Each demo pipeline is created once; later runs leave users' edits alone."""
    storefront = Application.objects.get(team=team, name="storefront")
    orders = Application.objects.get(team=team, name="orders")
    if not Pipeline.objects.filter(application=storefront, name="release").exists():
        pipeline_create(
            application=storefront,
            actor=owner,
            note="demo seed",
            document=release_pipeline(base_url=base_url),
        )
    for application, name, template in (
        (storefront, "deploy to sandbox cluster", "kubernetes"),
        (orders, "deploy to auto-scaling groups", "tencent-autoscaling"),
    ):
        if not Pipeline.objects.filter(application=application, name=name).exists():
            pipeline_create_from_template(
                application=application, name=name, template=template, actor=owner, note="demo seed"
            )


@transaction.atomic
def seed_demo(*, base_url: str = "http://127.0.0.1:8000") -> DemoCredentials:
    owner, owner_password = _user("demo", "Demo Admin")
    developer, developer_password = _user("dev", "Demo Developer")

    team = Team.objects.filter(slug=DEMO_TEAM).first()
    if team is None:
        team = team_create(
            creator=owner,
            slug=DEMO_TEAM,
            name="Demo",
            description="A sandbox team to try cdplatform.",
            time_zone="Asia/Shanghai",
        )
    elif not Membership.objects.filter(team=team, user=owner, role=TeamRole.OWNER).exists():
        membership_set(team=team, user=owner, role=TeamRole.OWNER)

    project = Project.objects.filter(team=team, slug=DEMO_PROJECT).first()
    if project is None:
        project = project_create(
            team=team,
            slug=DEMO_PROJECT,
            name="Shop",
            description="The web shop and its order service.",
        )
    if not ProjectMembership.objects.filter(project=project, user=developer).exists():
        project_member_add(project=project, username=developer.username, role="developer")

    for name, description in (
        ("storefront", "Customer-facing web shop on Kubernetes."),
        ("orders", "Order service on CVM auto-scaling groups behind CLB."),
    ):
        application = Application.objects.filter(team=team, name=name).first()
        if application is None:
            application_create(
                team=team, name=name, description=description, projects=[DEMO_PROJECT]
            )
        elif not application.projects.filter(pk=project.pk).exists():
            application_update(
                application=application,
                data={
                    "projects": [DEMO_PROJECT, *application.projects.values_list("slug", flat=True)]
                },
            )

    for name, provider, description in (
        ("sandbox-k8s", "kubernetes", "The built-in sandbox Kubernetes cluster."),
        ("sandbox-tencent", "tencent", "The built-in sandbox Tencent Cloud account."),
    ):
        if not CloudAccount.objects.filter(team=team, name=name).exists():
            extra = {"regions": ["ap-guangzhou", "ap-shanghai"]} if provider == "tencent" else {}
            cloud_account_create(
                team=team,
                name=name,
                provider=provider,
                kind="sandbox",
                description=description,
                **extra,
            )

    _seed_pipelines(team, owner, base_url)
    return DemoCredentials(
        username=owner.username,
        password=owner_password,
        developer=developer.username,
        developer_password=developer_password,
    )


def issue_demo_token() -> IssuedToken:
    """A fresh token for the demo user; the previous `make run` token is deleted."""
    owner = User.objects.get(username="demo")
    ApiToken.objects.filter(user=owner, name=DEMO_TOKEN_NAME).delete()
    return token_create(user=owner, name=DEMO_TOKEN_NAME)
