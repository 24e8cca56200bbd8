"""The "Tencent Cloud auto-scaling" template end to end on the platform: created through the
pipelines API, run by the Django-backed engine against the sandbox account of `make run`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.applications.models import Application
from apps.cloudaccounts.services import cloud_account_create
from apps.core.conf import platform_settings
from apps.executions import registry, runtime
from apps.executions.models import EngineMessage
from apps.executions.services.launch import execution_launch
from tests.apps.tencentcloud.harness import Harness
from tests.conftest import World

SANDBOX_KEYS = (
    "SANDBOX_TENCENTCLOUD_ENDPOINT",
    "SANDBOX_TENCENTCLOUD_SECRET_ID",
    "SANDBOX_TENCENTCLOUD_SECRET_KEY",
)


@pytest.fixture
def platform(world: World, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What `make run` sets up: the sandbox's endpoint and keys, a `sandbox` account."""
    secret_id, secret_key = harness.cloud.credentials
    platform_settings.set_runtime(
        SANDBOX_TENCENTCLOUD_ENDPOINT=harness.cloud.url,
        SANDBOX_TENCENTCLOUD_SECRET_ID=secret_id,
        SANDBOX_TENCENTCLOUD_SECRET_KEY=secret_key,
    )
    cloud_account_create(
        team=world.team, name="sandbox-tencent", provider="tencent", kind="sandbox"
    )
    # The platform engine and the sandbox on one pinned timeline.
    monkeypatch.setattr(registry.CLOCK, "now_ms", harness.clock.now_ms)
    yield
    platform_settings.clear_runtime(*SANDBOX_KEYS)


def run_to_the_end(harness: Harness, *, max_rounds: int = 2_000) -> None:
    """Deliver due messages; when none is due, move the shared clock to the next one."""
    for _ in range(max_rounds):
        runtime.drain_all()
        upcoming = EngineMessage.objects.order_by("due_at").values_list("due_at", flat=True).first()
        if upcoming is None:
            return
        harness.clock.set(max(upcoming, harness.clock.now_ms()))
    raise AssertionError("the run did not finish")


def launch(world: World, pipeline: dict[str, Any], image: str) -> str:
    shop = Application.objects.get(team=world.team, name="shop")
    row = execution_launch(
        application=shop, config=pipeline, user=world.users["owner"], parameters={"imageId": image}
    )
    return str(row.pk)


@pytest.mark.usefixtures("platform")
def test_template_deploys_two_groups_red_black_then_cleans_up(
    world: World, harness: Harness
) -> None:
    admin = world.client("admin")
    created = admin.post(
        "/api/v1/teams/acme/applications/shop/pipelines/",
        {"name": "AS release", "template": "tencent-autoscaling"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pipeline = created.json()

    statuses = []
    for image in ("img-demo0001", "img-demo0002", "img-demo0003"):
        execution_id = launch(world, pipeline, image)
        run_to_the_end(harness)
        body = admin.get(f"/api/v1/executions/{execution_id}/").json()
        statuses.append(body["status"])

    assert statuses == ["SUCCEEDED"] * 3
    view = admin.get("/api/v1/teams/acme/applications/shop/server-groups/").json()
    assert view["unreachable"] == []
    clusters = {cluster["name"]: cluster for cluster in view["clusters"]}
    assert sorted(clusters) == ["shop-a", "shop-b"]
    for name in ("shop-a", "shop-b"):
        groups = clusters[name]["serverGroups"]
        # maxRemainingAsgs / shrinkToSize 2: the newest two remain, the older one serving nothing.
        assert [g["name"] for g in groups] == [f"{name}-v001", f"{name}-v002"]
        assert [g["disabled"] for g in groups] == [True, False]
        assert groups[0]["capacity"]["desired"] == 0  # scaleDown
        assert groups[1]["launchConfiguration"]["imageId"] == "img-demo0003"
        assert groups[1]["instanceCounts"]["up"] == 2


@pytest.mark.usefixtures("platform")
def test_template_with_a_broken_image_keeps_the_old_groups_serving(
    world: World, harness: Harness
) -> None:
    admin = world.client("admin")
    pipeline = admin.post(
        "/api/v1/teams/acme/applications/shop/pipelines/",
        {"name": "AS release", "template": "tencent-autoscaling"},
        format="json",
    ).json()
    launch(world, pipeline, "img-demo0001")
    run_to_the_end(harness)

    broken = launch(world, pipeline, "img-demobroken")
    run_to_the_end(harness)

    body = admin.get(f"/api/v1/executions/{broken}/").json()
    assert body["status"] == "TERMINAL"
    for cluster in ("shop-a", "shop-b"):
        assert len(harness.serving(f"{cluster}-v000")) == 2
        assert harness.group(f"{cluster}-v001").disabled
