"""Channels through the API, and what each robot receives: the documented message shapes,
DingTalk's signed URL and Feishu's signed body (verified by the local server), retries with
backoff, failures recorded and listed, the outbound policy."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.notifications.models import DeliveryState, NotificationDelivery
from apps.notifications.services import notifications_run_once
from tests.apps.notifications.conftest import CHANNELS, make_channel
from tests.apps.notifications.receiver import RobotServer
from tests.conftest import World


def _test_message(world: World, name: str) -> NotificationDelivery:
    response = world.client("admin").post(f"{CHANNELS}{name}/test", {}, format="json")
    assert response.status_code == 202, response.json()
    notifications_run_once()
    return NotificationDelivery.objects.get(pk=response.json()["deliveryId"])


def test_a_wecom_robot_gets_a_markdown_message(world: World, robots: RobotServer) -> None:
    make_channel(world, name="ops", type="wecom", url=f"{robots.url}/wecom/send?key=abc-123")

    delivery = _test_message(world, "ops")

    assert delivery.state == DeliveryState.SENT, delivery.last_error
    [request] = robots.robots.at("/wecom")
    assert request.query == {"key": "abc-123"}
    assert request.json["msgtype"] == "markdown"
    assert "ops" in request.json["markdown"]["content"]


def test_a_signed_dingtalk_robot_gets_a_valid_signature(world: World, robots: RobotServer) -> None:
    robots.robots.secrets["/dingtalk/send"] = "SECabc123"
    make_channel(
        world,
        name="ding",
        type="dingtalk",
        url=f"{robots.url}/dingtalk/send?access_token=tok",
        secret="SECabc123",
        language="zh-hans",
    )

    delivery = _test_message(world, "ding")

    assert delivery.state == DeliveryState.SENT, delivery.last_error
    [request] = robots.robots.at("/dingtalk")
    assert request.query["access_token"] == "tok"
    assert request.json["markdown"]["title"].startswith("【cdplatform】")


def test_a_wrong_dingtalk_secret_is_a_recorded_failure(world: World, robots: RobotServer) -> None:
    robots.robots.secrets["/dingtalk/send"] = "SECright"
    make_channel(
        world, name="ding", type="dingtalk", url=f"{robots.url}/dingtalk/send", secret="SECwrong"
    )

    delivery = _test_message(world, "ding")

    assert delivery.state == DeliveryState.PENDING  # retried later
    assert "310000" in delivery.last_error


def test_a_signed_feishu_bot_gets_a_post_with_timestamp_and_sign(
    world: World, robots: RobotServer
) -> None:
    robots.robots.secrets["/feishu/hook"] = "feishu-secret"
    make_channel(
        world, name="fs", type="feishu", url=f"{robots.url}/feishu/hook", secret="feishu-secret"
    )

    delivery = _test_message(world, "fs")

    assert delivery.state == DeliveryState.SENT, delivery.last_error
    body = robots.robots.at("/feishu")[0].json
    assert body["msg_type"] == "post"
    assert body["content"]["post"]["en_us"]["title"].startswith("[cdplatform]")
    assert {"timestamp", "sign"} <= set(body)


def test_a_generic_webhook_is_signed_with_the_channel_secret(
    world: World, robots: RobotServer
) -> None:
    import hashlib
    import hmac

    make_channel(world, name="hook", type="webhook", url=f"{robots.url}/hook", secret="whsec")

    delivery = _test_message(world, "hook")

    assert delivery.state == DeliveryState.SENT, delivery.last_error
    [request] = robots.robots.at("/hook")
    expected = "sha256=" + hmac.new(b"whsec", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-signature-256"] == expected
    assert request.json["event"] == "test"


def test_channel_credentials_are_never_returned(world: World, robots: RobotServer) -> None:
    created = make_channel(
        world,
        name="ops",
        type="dingtalk",
        url=f"{robots.url}/dingtalk/x?access_token=t0k",
        secret="SECx",
    )
    listed = world.client("member").get(CHANNELS).json()["results"]
    detail = world.client("member").get(f"{CHANNELS}ops/").json()

    for body in (created, listed[0], detail):
        text = str(body)
        assert "t0k" not in text
        assert "SECx" not in text
        assert body["hasSecret"] is True
        assert body["urlHost"] == "127.0.0.1"


def test_only_pipeline_managers_manage_channels(world: World, robots: RobotServer) -> None:
    body = {"name": "ops", "type": "wecom", "url": f"{robots.url}/wecom?key=k"}
    assert world.client("member").post(CHANNELS, body, format="json").status_code == 403
    assert world.client("outsider").get(CHANNELS).status_code == 404
    make_channel(world, **body)
    assert world.client("developer").delete(f"{CHANNELS}ops/").status_code == 403
    assert world.client("admin").delete(f"{CHANNELS}ops/").status_code == 204


def test_failures_are_retried_with_backoff_then_given_up_and_listed(
    world: World, robots: RobotServer
) -> None:
    robots.robots.failures["/wecom/down"] = 100
    make_channel(world, name="down", type="wecom", url=f"{robots.url}/wecom/down?key=k")
    delivery = _test_message(world, "down")
    delays = []
    now = timezone.now()

    for _ in range(10):
        delivery.refresh_from_db()
        if delivery.state == DeliveryState.FAILED:
            break
        delays.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at + timedelta(milliseconds=1)
        notifications_run_once(now=now)

    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 6
    assert "HTTP 500" in delivery.last_error
    assert [round(d.total_seconds()) for d in delays[1:]] == [20, 40, 80, 160]
    listed = world.client("admin").get("/api/v1/teams/acme/notification-deliveries/?state=failed")
    assert [row["id"] for row in listed.json()["results"]] == [delivery.pk]


def test_a_transient_failure_is_sent_on_retry(world: World, robots: RobotServer) -> None:
    robots.robots.failures["/wecom/flaky"] = 1
    make_channel(world, name="flaky", type="wecom", url=f"{robots.url}/wecom/flaky?key=k")
    delivery = _test_message(world, "flaky")

    notifications_run_once(now=delivery.next_attempt_at + timedelta(seconds=1))

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert delivery.attempts == 2


def test_metadata_addresses_are_refused_and_not_retried(world: World) -> None:
    make_channel(world, name="evil", type="webhook", url="http://169.254.169.254/latest/meta-data")

    delivery = _test_message(world, "evil")

    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1
    assert "outbound policy" in delivery.last_error
