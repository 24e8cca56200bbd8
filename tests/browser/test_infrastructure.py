"""The infrastructure page against a sandbox cluster: a deployed workload's pods as health
blocks, then scaled from the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.applications.models import Application
from apps.executions.models import Execution
from apps.executions.services.launch import pipeline_start
from apps.pipelines import services as pipeline_services
from sandbox.kubernetes import SandboxCluster
from tests.browser.conftest import Console
from tests.live import wait_for

pytestmark = pytest.mark.browser

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]},
        },
    },
}
DEPLOY = {
    "name": "deploy web",
    "stages": [
        {
            "refId": "1",
            "type": "deployManifest",
            "name": "Deploy web",
            "account": "k8s",
            "cloudProvider": "kubernetes",
            "source": "text",
            "manifests": [DEPLOYMENT],
            "moniker": {"app": "shop"},
        }
    ],
}


@pytest.fixture
def cluster(settings: Any) -> Iterator[SandboxCluster]:
    with SandboxCluster(pod_ready_seconds=0.3) as running:
        settings.CDPLATFORM = {
            **getattr(settings, "CDPLATFORM", {}),
            "SANDBOX_KUBERNETES_URL": running.url,
        }
        yield running


def test_workloads_show_their_pods_and_scale_from_the_page(
    console: Console, engine_worker: Any, cluster: SandboxCluster
) -> None:
    shop = Application.objects.get(team=console.world.team, name="shop")
    pipeline = pipeline_services.pipeline_create(
        application=shop, document=DEPLOY, actor=console.world.users["owner"]
    )
    run = pipeline_start(pipeline_id=pipeline.pk, user=console.world.users["owner"])
    status = wait_for(
        lambda: (
            Execution.objects.filter(pk=run.pk, status__in=["SUCCEEDED", "TERMINAL"])
            .values_list("status", flat=True)
            .first()
        ),
        timeout=60,
    )
    assert status == "SUCCEEDED"

    page = console.page
    console.login("owner")
    console.goto("/t/acme/applications/shop/infrastructure/")
    group = page.locator(".server-group", has_text="Deployment web")
    assert group.locator(".health-up").count() == 2
    console.shot("infrastructure")

    group.get_by_text("Actions").click()
    group.get_by_label("Replicas").fill("3")
    group.get_by_role("button", name="Scale").click()
    page.get_by_text("Deployment web: done.").wait_for()

    def three_up() -> bool:
        console.goto("/t/acme/applications/shop/infrastructure/")
        return (
            page.locator(".server-group", has_text="Deployment web").locator(".health-up").count()
            == 3
        )

    wait_for(three_up, timeout=30, interval=0.3)
