"""Engine events become messages: pipeline notifications, stage notifications (only with
sendNotifications), application rules, the team's language, custom text with expressions."""

from __future__ import annotations

from typing import Any

import pytest

from apps.notifications.models import DeliveryState, NotificationDelivery, NotificationEvent
from tests.apps.notifications.conftest import (
    create_pipeline,
    deliver_all,
    make_channel,
    run,
)
from tests.apps.notifications.receiver import RobotServer
from tests.conftest import World


def _stage(ref: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": [] if ref == "1" else [str(int(ref) - 1)],
        "type": "evaluateVariables",
        "name": name,
        "variables": [{"key": "x", "value": "1"}],
        **extra,
    }


@pytest.fixture
def pipeline(world: World, robots: RobotServer) -> dict[str, Any]:
    make_channel(world, name="ops", type="wecom", url=f"{robots.url}/wecom/ops?key=k")
    make_channel(world, name="hook", type="webhook", url=f"{robots.url}/hook")
    return create_pipeline(
        world,
        {
            "name": "release",
            "parameterConfig": [{"name": "tag", "default": "v7"}],
            "notifications": [
                {
                    "type": "wecom",
                    "address": "channel://ops",
                    "level": "pipeline",
                    "when": ["pipeline.starting", "pipeline.complete", "pipeline.failed"],
                    "message": {
                        "pipeline.complete": {"text": "Shipped ${parameters.tag} to production"}
                    },
                },
                {"type": "slack", "address": "#deploys", "when": ["pipeline.complete"]},
            ],
            "stages": [
                _stage(
                    "1",
                    "Prepare",
                    sendNotifications=True,
                    notifications=[
                        {"type": "webhook", "address": "channel://hook", "when": ["stage.complete"]}
                    ],
                ),
                _stage(
                    "2",
                    "Quiet",
                    notifications=[
                        {"type": "webhook", "address": "channel://hook", "when": ["stage.complete"]}
                    ],
                ),
            ],
        },
    )


def test_pipeline_and_stage_notifications_are_sent(
    world: World,
    robots: RobotServer,
    pipeline: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    execution_id = run(world, pipeline["id"], django_capture_on_commit_callbacks)
    deliver_all()

    deliveries = NotificationDelivery.objects.filter(execution_id=execution_id)
    events = sorted((d.event, d.origin, d.channel_type) for d in deliveries)
    assert events == [
        ("pipeline.complete", "pipeline", "wecom"),
        ("pipeline.starting", "pipeline", "wecom"),
        ("stage.complete", "stage", "webhook"),  # only the stage with sendNotifications
    ]
    assert all(d.state == DeliveryState.SENT for d in deliveries)
    contents = [r.json["markdown"]["content"] for r in robots.robots.at("/wecom/ops")]
    assert any("is starting" in c for c in contents)
    complete = next(c for c in contents if "succeeded" in c)
    assert "Shipped v7 to production" in complete
    assert "Duration" in complete
    assert "manual (owner)" in complete
    assert f"/executions/{execution_id}" in complete
    [hook] = robots.robots.at("/hook")
    assert hook.json["event"] == "stage.complete"
    assert hook.json["stage"] == "Prepare"
    assert not NotificationEvent.objects.exists()


def test_the_teams_language_setting_makes_messages_chinese(
    world: World,
    robots: RobotServer,
    pipeline: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = world.client("admin").patch(
        "/api/v1/teams/acme/notification-settings/", {"language": "zh-hans"}, format="json"
    )
    assert response.status_code == 200

    run(world, pipeline["id"], django_capture_on_commit_callbacks)
    deliver_all()

    contents = [r.json["markdown"]["content"] for r in robots.robots.at("/wecom/ops")]
    complete = next(c for c in contents if "执行成功" in c)
    assert "【shop】部署流程 release 执行成功" in complete
    assert "耗时" in complete
    assert "触发方式: 手动 (owner)" in complete


def test_application_rules_apply_to_every_pipeline_of_the_application(
    world: World, robots: RobotServer, django_capture_on_commit_callbacks: Any
) -> None:
    make_channel(world, name="team-room", type="feishu", url=f"{robots.url}/feishu/room")
    path = "/api/v1/teams/acme/applications/shop/notifications/"
    rules = [{"type": "feishu", "channel": "team-room", "when": ["pipeline.failed"]}]
    assert world.client("admin").put(path, {"rules": rules}, format="json").status_code == 200
    failing = create_pipeline(
        world,
        {
            "name": "broken",
            "stages": [
                {
                    "refId": "1",
                    "requisiteStageRefIds": [],
                    "type": "checkPreconditions",
                    "name": "Gate",
                    "preconditions": [
                        {
                            "type": "expression",
                            "context": {"expression": "${false}"},
                            "failPipeline": True,
                        }
                    ],
                }
            ],
        },
    )

    run(world, failing["id"], django_capture_on_commit_callbacks)
    deliver_all()

    [request] = robots.robots.at("/feishu/room")
    post = request.json["content"]["post"]["en_us"]
    assert post["title"] == "[shop] Pipeline broken failed"
    assert ["Status: TERMINAL"] in [[part["text"] for part in row] for row in post["content"]]


def test_rules_are_validated_with_pointers(world: World) -> None:
    path = "/api/v1/teams/acme/applications/shop/notifications/"
    rules = [
        {"type": "wecom", "channel": "missing", "when": ["pipeline.complete"]},
        {"type": "email", "when": ["nope"]},
        {"type": "inbox", "address": "viewer", "when": ["manualJudgment"], "notifyEveryMs": 5},
    ]

    response = world.client("admin").put(path, {"rules": rules}, format="json")

    assert response.status_code == 400
    pointers = {error["pointer"] for error in response.json()["details"]["errors"]}
    assert pointers == {
        "/rules/0/channel",
        "/rules/1/when/0",
        "/rules/1/address",
        "/rules/2/notifyEveryMs",
    }
    assert world.client("developer").put(path, {"rules": []}, format="json").status_code == 403
    assert world.client("viewer").get(path).json() == {"rules": []}


def test_an_unknown_channel_in_pipeline_json_is_a_visible_failure(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pipeline = create_pipeline(
        world,
        {
            "name": "typo",
            "notifications": [
                {"type": "dingtalk", "address": "channel://opz", "when": ["pipeline.starting"]}
            ],
            "stages": [_stage("1", "Only")],
        },
    )

    run(world, pipeline["id"], django_capture_on_commit_callbacks)
    deliver_all()

    [delivery] = NotificationDelivery.objects.all()
    assert delivery.state == DeliveryState.FAILED
    assert "opz" in delivery.last_error


def test_emails_use_the_django_backend(
    world: World, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pipeline = create_pipeline(
        world,
        {
            "name": "mailed",
            "notifications": [
                {
                    "type": "email",
                    "address": "ops@example.com, lead@example.com",
                    "when": ["pipeline.complete"],
                }
            ],
            "stages": [_stage("1", "Only")],
        },
    )

    run(world, pipeline["id"], django_capture_on_commit_callbacks)
    deliver_all()

    [mail] = mailoutbox
    assert mail.subject == "[shop] Pipeline mailed succeeded"
    assert mail.to == ["ops@example.com", "lead@example.com"]
    assert "Status: SUCCEEDED" in mail.body


def test_events_nobody_listens_to_leave_nothing_behind(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pipeline = create_pipeline(world, {"name": "silent", "stages": [_stage("1", "Only")]})

    run(world, pipeline["id"], django_capture_on_commit_callbacks)
    passes = deliver_all()

    # Nothing is even recorded: the listener knows no rule can fire for this run.
    assert passes["events"] == 0
    assert not NotificationEvent.objects.exists()
    assert not NotificationDelivery.objects.exists()
