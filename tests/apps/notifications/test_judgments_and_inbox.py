"""Manual judgments: approvers and notifiers hear about it in their inbox (team members only),
stage channels repeat every notifyEveryMs while it waits, the decision reaches the starter;
the inbox API lists and marks messages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.notifications.models import InboxMessage, JudgmentReminder
from apps.notifications.services import notifications_run_once
from tests.apps.notifications.conftest import create_pipeline, deliver_all, drain, make_channel, run
from tests.apps.notifications.receiver import RobotServer
from tests.conftest import World

INBOX = "/api/v1/inbox/"


@pytest.fixture
def judged(world: World, robots: RobotServer) -> dict[str, Any]:
    make_channel(world, name="ops", type="wecom", url=f"{robots.url}/wecom/ops?key=k")
    return create_pipeline(
        world,
        {
            "name": "gated",
            "stages": [
                {
                    "refId": "1",
                    "requisiteStageRefIds": [],
                    "type": "manualJudgment",
                    "name": "Approve release",
                    "instructions": "Check the canary dashboard",
                    "approvers": ["admin", "outsider"],
                    "notifyUsers": ["viewer"],
                    "sendNotifications": True,
                    "notifications": [
                        {
                            "type": "wecom",
                            "address": "channel://ops",
                            "when": ["manualJudgment", "manualJudgmentContinue"],
                            "notifyEveryMs": 600000,
                        }
                    ],
                }
            ],
        },
    )


def _waiting_stage(world: World, execution_id: str) -> str:
    body = world.client("owner").get(f"/api/v1/executions/{execution_id}/").json()
    return body["stages"][0]["id"]


def test_approvers_and_notifiers_of_the_team_get_inbox_messages(
    world: World,
    robots: RobotServer,
    judged: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    execution_id = run(world, judged["id"], django_capture_on_commit_callbacks)
    deliver_all()

    inboxed = sorted(m.user.username for m in InboxMessage.objects.all())
    assert inboxed == ["admin", "viewer"]  # `outsider` is not in the team
    message = InboxMessage.objects.get(user__username="admin")
    assert message.title == "[shop] gated is waiting for a judgment at Approve release"
    assert "Check the canary dashboard" in message.body
    assert message.link.endswith(f"/t/acme/executions/{execution_id}/")
    [robot] = robots.robots.at("/wecom/ops")
    assert "Approvers: admin, outsider" in robot.json["markdown"]["content"]


def test_the_judgment_is_repeated_while_waiting_and_the_decision_stops_it(
    world: World,
    robots: RobotServer,
    judged: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    execution_id = run(world, judged["id"], django_capture_on_commit_callbacks)
    deliver_all()
    reminder = JudgmentReminder.objects.get(execution_id=execution_id)
    assert reminder.every_ms == 600000

    notifications_run_once(now=timezone.now() + timedelta(minutes=5))
    notifications_run_once(now=timezone.now() + timedelta(minutes=11))
    notifications_run_once(now=timezone.now() + timedelta(minutes=11))
    reminders = [
        r for r in robots.robots.at("/wecom/ops") if "Reminder" in r.json["markdown"]["content"]
    ]
    assert len(reminders) == 1

    stage_id = _waiting_stage(world, execution_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(
            f"/api/v1/executions/{execution_id}/stages/{stage_id}/judgment",
            {"judgmentStatus": "continue", "judgmentInput": "ship it"},
            format="json",
        )
        assert response.status_code == 202, response.json()
    drain(django_capture_on_commit_callbacks)
    deliver_all()

    assert not JudgmentReminder.objects.exists()
    contents = [r.json["markdown"]["content"] for r in robots.robots.at("/wecom/ops")]
    assert any("admin continued gated at Approve release" in c for c in contents)
    starter = InboxMessage.objects.filter(user__username="owner").get()
    assert starter.event == "manualJudgmentContinue"
    assert "ship it" in starter.body


def test_the_inbox_api_lists_and_marks_own_messages(
    world: World, judged: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    run(world, judged["id"], django_capture_on_commit_callbacks)
    deliver_all()
    admin = world.client("admin")

    unread = admin.get(f"{INBOX}?unread=true").json()["results"]
    assert [m["event"] for m in unread] == ["manualJudgment"]
    others = world.client("viewer").get(INBOX).json()["results"]
    assert world.client("viewer").post(f"{INBOX}{unread[0]['id']}/read").status_code == 404

    assert admin.post(f"{INBOX}{unread[0]['id']}/read").json()["readAt"] is not None
    assert admin.get(f"{INBOX}?unread=true").json()["results"] == []
    assert world.client("viewer").post(f"{INBOX}read-all").json() == {"marked": len(others)}
    assert world.client("anonymous").get(INBOX).status_code == 401
