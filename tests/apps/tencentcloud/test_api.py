"""The infrastructure view API for AS server groups, and the Django-backed account resolver."""

from __future__ import annotations

from typing import Any

import pytest

from apps.cloudaccounts.services import cloud_account_create
from apps.tencentcloud.accounts import AccountNotFound, engine_connection
from apps.tencentcloud.stages import register
from engine.expression_adapter import PipelineExpressions
from engine.memory import InMemoryEngine
from engine.model import Execution
from engine.stages.builtin import builtin_registry
from engine.status import Status
from tests.apps.tencentcloud.harness import ACCOUNT, REGION, Harness, cluster_config
from tests.conftest import World

BASE = "/api/v1/teams/acme/applications/shop/server-groups/"


def group_url(name: str, action: str, account: str = ACCOUNT) -> str:
    return f"{BASE}{account}/{REGION}/{name}/{action}"


@pytest.fixture
def account(world: World, harness: Harness) -> Any:
    """A plain keys account (SecretId/SecretKey, regions, endpoint): nothing sandbox-specific."""
    secret_id, secret_key = harness.cloud.credentials
    return cloud_account_create(
        team=world.team,
        name=ACCOUNT,
        provider="tencent",
        kind="keys",
        secret_id=secret_id,
        secret_key=secret_key,
        regions=[REGION],
        endpoint=harness.cloud.url,
    )


def deploy(harness: Harness, **overrides: Any) -> None:
    stage = {"refId": "d", "type": "deploy", **cluster_config(**overrides)}
    execution = harness.pipeline(stage)
    assert execution.status == Status.SUCCEEDED


def test_list_groups_server_groups_by_cluster_with_instances_and_health(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    deploy(harness, imageId="img-demo0002")
    deploy(harness, stack="api", strategy="none", forwardLoadBalancers=[])
    deploy(harness, application="other", strategy="none")

    response = world.client("viewer").get(BASE)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unreachable"] == []
    assert [cluster["name"] for cluster in body["clusters"]] == ["shop-api", "shop-web"]
    web = body["clusters"][1]
    assert web["moniker"] == {"app": "shop", "cluster": "shop-web", "stack": "web", "detail": ""}
    old, new = web["serverGroups"]
    assert (old["name"], new["name"]) == ("shop-web-v000", "shop-web-v001")
    assert old["disabled"] is True
    assert old["scalingEnabled"] is False
    assert new["disabled"] is False
    assert new["launchConfiguration"]["imageId"] == "img-demo0002"
    assert new["instanceCounts"] == {"total": 2, "up": 2, "down": 0, "starting": 0, "leaving": 0}
    assert {i["clbHealthy"] for i in new["instances"]} == {True}
    assert {tuple(i["weights"]) for i in old["instances"]} == {(0,)}
    assert new["loadBalancers"][0]["loadBalancerId"] == "lb-sandbox1"
    api_group = body["clusters"][0]["serverGroups"][0]
    assert api_group["loadBalancers"] == []
    assert api_group["instances"][0]["clbHealthy"] is None


def test_other_tenants_see_nothing(world: World, harness: Harness, account: Any) -> None:
    assert world.client("outsider").get(BASE).status_code == 404
    assert world.client("anonymous").get(BASE).status_code in (401, 403)


def test_an_unreachable_account_is_reported_not_fatal(
    world: World, harness: Harness, account: Any
) -> None:
    cloud_account_create(
        team=world.team,
        name="broken-keys",
        provider="tencent",
        kind="keys",
        secret_id="AKIDnobody",
        secret_key="nope",
        regions=[REGION],
        endpoint=harness.cloud.url,
    )
    deploy(harness)

    body = world.client("admin").get(BASE).json()

    assert [c["name"] for c in body["clusters"]] == ["shop-web"]
    assert body["unreachable"][0]["account"] == "broken-keys"
    assert "AuthFailure.SecretIdNotFound" in body["unreachable"][0]["message"]


def test_actions_need_the_operate_executions_permission(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)

    response = world.client("developer").post(group_url("shop-web-v000", "disable"))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not harness.group("shop-web-v000").disabled


def test_disable_and_enable_switch_traffic_and_scaling(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    client = world.client("admin")

    disabled = client.post(group_url("shop-web-v000", "disable"))

    assert disabled.status_code == 200, disabled.json()
    assert disabled.json()["disabled"] is True
    assert harness.serving("shop-web-v000") == []

    enabled = client.post(group_url("shop-web-v000", "enable"))

    assert enabled.status_code == 200
    assert enabled.json()["disabled"] is False
    assert len(harness.serving("shop-web-v000")) == 2


def test_resize_answers_at_once_and_the_group_follows(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)

    response = world.client("admin").post(
        group_url("shop-web-v000", "resize"),
        {"capacity": {"min": 1, "max": 4, "desired": 3}},
        format="json",
    )

    assert response.status_code == 202, response.json()
    assert response.json()["targetCapacity"] == {"min": 1, "max": 4, "desired": 3}
    harness.settle(60)
    assert len(harness.serving("shop-web-v000")) == 3


def test_resize_rejects_unknown_fields(world: World, harness: Harness, account: Any) -> None:
    deploy(harness)

    response = world.client("admin").post(
        group_url("shop-web-v000", "resize"), {"size": 3}, format="json"
    )

    assert response.status_code == 400


def test_destroy_drains_then_deletes_on_a_second_call(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    client = world.client("admin")

    first = client.post(group_url("shop-web-v000", "destroy"))

    assert first.status_code == 202
    assert first.json()["deleted"] is False
    assert harness.serving("shop-web-v000") == []
    harness.settle(60)
    second = client.post(group_url("shop-web-v000", "destroy"))
    assert second.status_code == 200
    assert second.json()["deleted"] is True
    assert harness.groups("shop-web") == {}


def test_rollback_serves_from_the_previous_group_again(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    deploy(harness, imageId="img-demo0002")

    response = world.client("owner").post(group_url("shop-web-v001", "rollback"), {}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["restored"]["serverGroupName"] == "shop-web-v000"
    assert len(harness.serving("shop-web-v000")) == 2
    assert harness.serving("shop-web-v001") == []


def test_rollback_is_refused_while_the_previous_group_is_too_small(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    deploy(harness, imageId="img-demo0002", scaleDown=True)

    response = world.client("admin").post(group_url("shop-web-v001", "rollback"))

    assert response.status_code == 409
    assert "resize it first" in response.json()["message"]
    assert len(harness.serving("shop-web-v001")) == 2


@pytest.mark.parametrize(
    "url",
    [
        group_url("shop-web-v009", "disable"),
        group_url("other-web-v000", "disable"),
        group_url("shop-web-v000", "disable", account="nope"),
        f"{BASE}{ACCOUNT}/ap-mars/shop-web-v000/disable",
    ],
    ids=["missing-group", "other-application", "unknown-account", "unconfigured-region"],
)
def test_what_is_not_there_or_not_yours_is_404(
    world: World, harness: Harness, account: Any, url: str
) -> None:
    deploy(harness)
    deploy(harness, application="other", strategy="none")

    assert world.client("admin").post(url).status_code == 404
    assert not harness.group("other-web-v000").disabled


def test_a_refused_cloud_call_is_a_502_with_the_api_code(
    world: World, harness: Harness, account: Any
) -> None:
    deploy(harness)
    harness.cloud.inject("DisableAutoScalingGroup", "UnauthorizedOperation")

    response = world.client("admin").post(group_url("shop-web-v000", "disable"))

    assert response.status_code == 502
    assert response.json()["details"]["code"] == "UnauthorizedOperation"
    assert response.json()["details"]["requestId"]


def test_the_engine_resolves_accounts_of_the_execution_team_only(
    world: World, harness: Harness, account: Any
) -> None:
    mine = Execution(id="e1", application="shop", team="acme")
    theirs = Execution(id="e2", application="secret-app", team="other")

    connection = engine_connection(mine, ACCOUNT)

    assert connection.endpoint == harness.cloud.url
    assert connection.regions == [REGION]
    with pytest.raises(AccountNotFound):
        engine_connection(theirs, ACCOUNT)


def test_a_deploy_runs_with_the_django_backed_resolver(
    world: World, harness: Harness, account: Any
) -> None:
    expressions = PipelineExpressions(clock=harness.clock)
    registry = builtin_registry(clock=harness.clock, expressions=expressions)
    register(registry, connections=engine_connection, clock=harness.clock)
    harness.engine = InMemoryEngine(clock=harness.clock, registry=registry, expressions=expressions)

    deploy(harness)

    assert len(harness.serving("shop-web-v000")) == 2


def test_the_platform_registry_knows_the_tencent_cloud_stage_types() -> None:
    from apps.executions.registry import is_runnable_stage_type

    for stage_type in ("deploy", "rollbackCluster", "rollingUpdate", "shrinkCluster"):
        assert is_runnable_stage_type(stage_type)


def test_the_account_check_lists_groups_per_region_through_the_client(
    world: World, harness: Harness, account: Any
) -> None:
    from apps.cloudaccounts.checks import check_account

    deploy(harness)

    ok, message = check_account(account)

    assert ok, message
    assert message == f"{REGION}: 1 auto-scaling group(s)"


def test_an_endpoint_without_a_scheme_means_https() -> None:
    from apps.cloudaccounts.connections import TencentConnection
    from apps.tencentcloud.client import _profile

    profile = _profile(TencentConnection("id", "key", [REGION], "as.example.com:8443"), 5)

    assert profile.httpProfile.scheme == "https"
    assert profile.httpProfile.endpoint == "as.example.com:8443"
