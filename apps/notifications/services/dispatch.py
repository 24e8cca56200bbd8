"""From engine event to messages: which rules apply (application, pipeline, stage), to whom, in
which words; one delivery row per target, sent later by the delivery loop.

```
engine event ─listener─> NotificationEvent ─expand─> NotificationDelivery ─send─> robot/email
                                              └────> InboxMessage (approvers, notifiers)
```
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.executions.models import Execution as ExecutionRow
from apps.executions.models import StageExecution
from apps.notifications.messages import Message, MessageFacts, language_of, render
from apps.notifications.models import (
    URL_CHANNELS,
    ApplicationNotifications,
    DeliveryState,
    InboxMessage,
    JudgmentReminder,
    NotificationChannel,
    NotificationDelivery,
    NotificationEvent,
    TeamNotificationSettings,
)
from apps.notifications.services.channels import split_list
from apps.teams.models import Team
from apps.users.models import User
from engine.events import (
    EngineEvent,
    ExecutionComplete,
    ExecutionStarted,
    JudgmentAwaited,
    JudgmentDecided,
    StageStatusChanged,
)
from engine.model import Execution, Stage
from engine.status import Status

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "channel://"
_STAGE_KINDS = {
    Status.RUNNING: "stage.starting",
    Status.SUCCEEDED: "stage.complete",
    Status.TERMINAL: "stage.failed",
    Status.STOPPED: "stage.failed",
    Status.CANCELED: "stage.failed",
    Status.FAILED_CONTINUE: "stage.failed",
}


# ------------------------------------------------------------------ the listener's part


def event_kind(event: EngineEvent) -> tuple[str, str, str, dict[str, Any]] | None:
    """(kind, execution id, stage id, data) of an event worth a message, else None."""
    if isinstance(event, ExecutionStarted):
        return "pipeline.starting", event.execution_id, "", {}
    if isinstance(event, ExecutionComplete):
        kind = "pipeline.complete" if event.status == Status.SUCCEEDED else "pipeline.failed"
        return kind, event.execution_id, "", {"status": event.status.value}
    if isinstance(event, StageStatusChanged):
        stage_kind = _STAGE_KINDS.get(event.status)
        if stage_kind is None or event.parent_stage_id is not None:
            return None  # synthetic stages are the engine's detail, not the user's
        return stage_kind, event.execution_id, event.stage_id, {"status": event.status.value}
    if isinstance(event, JudgmentAwaited):
        return "manualJudgment", event.execution_id, event.stage_id, {}
    if isinstance(event, JudgmentDecided):
        decision = str(event.judgment_status).lower()
        kind = "manualJudgmentContinue" if decision == "continue" else "manualJudgmentStop"
        data = {"user": event.user, "input": event.judgment_input}
        return kind, event.execution_id, event.stage_id, data
    return None


_JUDGMENT_KINDS = {"manualJudgment", "manualJudgmentContinue", "manualJudgmentStop"}
_configured: OrderedDict[str, bool] = OrderedDict()
_configured_lock = threading.Lock()


def _run_has_notifications(execution_id: str) -> bool:
    """Whether any rule could fire for this run: pipeline or stage notifications, or the
    application's rules. Decided once per run (rules changed mid-run apply to the next one),
    so the engine's hot path pays nothing for runs nobody wants to hear about."""
    with _configured_lock:
        known = _configured.get(execution_id)
    if known is not None:
        return known
    row = (
        ExecutionRow.objects.filter(pk=execution_id)
        .values("application_id", "header__notifications")
        .first()
    )
    if row is None:
        return False
    answer = bool(row["header__notifications"]) or (
        StageExecution.objects.filter(
            execution_id=execution_id, data__context__sendNotifications=True
        ).exists()
        or ApplicationNotifications.objects.filter(application_id=row["application_id"])
        .exclude(rules=[])
        .exists()
    )
    with _configured_lock:
        _configured[execution_id] = answer
        while len(_configured) > 10_000:
            _configured.popitem(last=False)
    return answer


def notification_event_record(event: EngineEvent) -> bool:
    """One insert into the outbox (the listener must stay quick); True if recorded."""
    found = event_kind(event)
    if found is None:
        return False
    kind, execution_id, stage_id, data = found
    if kind not in _JUDGMENT_KINDS and not _run_has_notifications(execution_id):
        return False
    NotificationEvent.objects.create(
        kind=kind, execution_id=execution_id, stage_id=stage_id, data=_json_safe(data)
    )
    return True


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        for key, value in data.items()
    }


# ------------------------------------------------------------------ rules and targets


@dataclass
class Target:
    channel_type: str
    display: str
    channel: NotificationChannel | None = None
    direct: dict[str, Any] = field(default_factory=dict)
    recipients: list[str] = field(default_factory=list)
    error: str = ""


def _when(rule: Mapping[str, Any]) -> list[str]:
    when = rule.get("when")
    return [str(each) for each in when] if isinstance(when, list) else []


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def applicable_rules(
    kind: str, execution: Execution, stage: Stage | None, application_id: int | None
) -> list[tuple[str, dict[str, Any]]]:
    """(origin, rule) pairs listening to `kind`: application, then pipeline, then stage."""
    found: list[tuple[str, dict[str, Any]]] = []
    config = ApplicationNotifications.objects.filter(application_id=application_id).first()
    for rule in config.rules if config is not None else []:
        if isinstance(rule, dict) and kind in _when(rule):
            found.append(("application", rule))
    if kind.startswith("pipeline."):
        for rule in execution.notifications or []:
            if isinstance(rule, dict) and kind in _when(rule):
                found.append(("pipeline", rule))
    if stage is not None and _truthy(stage.context.get("sendNotifications")):
        for rule in stage.context.get("notifications") or []:
            if isinstance(rule, dict) and kind in _when(rule):
                found.append(("stage", rule))
    return found


def team_members(team: Team, usernames: list[str]) -> list[User]:
    """Only users of this team (or of its projects) ever get its messages."""
    if not usernames:
        return []
    return list(
        User.objects.filter(username__in=usernames, is_active=True)
        .filter(Q(team_memberships__team=team) | Q(project_memberships__project__team=team))
        .distinct()
        .order_by("username")
    )


def _channel_name(rule: Mapping[str, Any]) -> str:
    if rule.get("channel"):
        return str(rule["channel"])
    address = str(rule.get("address") or "")
    return address[len(CHANNEL_PREFIX) :] if address.startswith(CHANNEL_PREFIX) else ""


def resolve_target(rule: Mapping[str, Any], team: Team) -> Target | None:
    """Where a rule sends; None for Spinnaker channel types this platform keeps but never sends."""
    kind = str(rule.get("type") or "").lower()
    if kind == "inbox":
        names = split_list(rule.get("address")) + split_list(rule.get("users"))
        members = [user.username for user in team_members(team, names)]
        return Target("inbox", ", ".join(members), recipients=members)
    if kind not in URL_CHANNELS and kind != "email":
        return None
    name = _channel_name(rule)
    if name:
        channel = NotificationChannel.objects.filter(team=team, name=name).first()
        if channel is None:
            return Target(kind, name, error=f"no notification channel named {name!r}")
        return Target(channel.type, channel.name, channel=channel, recipients=channel.addresses)
    address = str(rule.get("address") or "").strip()
    if kind == "email":
        emails = split_list(address)
        return Target("email", ", ".join(emails), recipients=emails)
    if address.startswith(("http://", "https://")):
        # A URL typed into pipeline JSON (Spinnaker imports): used as is, kept encrypted here.
        secret = rule.get("secret") if isinstance(rule.get("secret"), str) else ""
        host = urlsplit(address).hostname or "?"
        return Target(kind, host, direct={"url": address, "secret": secret})
    return Target(kind, address, error="the rule names no channel and no URL")


# ------------------------------------------------------------------ words


def team_language(team: Team) -> str:
    stored = TeamNotificationSettings.objects.filter(team=team).values_list("language", flat=True)
    return language_of(stored.first() or platform_settings.NOTIFICATION_LANGUAGE)


def execution_link(team: str, execution_id: str) -> str:
    """The console's page of a run (`CDPLATFORM["PUBLIC_URL"]` in front)."""
    base = str(platform_settings.PUBLIC_URL or "").rstrip("/")
    return f"{base}/t/{team}/executions/{execution_id}/"


def release_order_link(team: str, project: str, order_id: int) -> str:
    base = str(platform_settings.PUBLIC_URL or "").rstrip("/")
    return f"{base}/t/{team}/projects/{project}/release-orders/{order_id}/"


def _duration(start: int | None, end: int | None) -> int | None:
    return end - start if start is not None and end is not None else None


def facts_of(
    kind: str, execution: Execution, stage: Stage | None, data: Mapping[str, Any], link: str
) -> MessageFacts:
    trigger = execution.trigger or {}
    judging = kind in ("manualJudgmentContinue", "manualJudgmentStop")
    if kind.startswith("pipeline."):
        status = str(data.get("status") or execution.status.value)
        duration = _duration(execution.start_time, execution.end_time)
    else:
        status = str(data.get("status") or (stage.status.value if stage else ""))
        duration = _duration(stage.start_time, stage.end_time) if stage else None
    context = stage.context if stage is not None else {}
    return MessageFacts(
        event=kind,
        application=execution.application,
        pipeline=execution.name or "",
        execution_id=execution.id,
        status="" if kind in ("pipeline.starting", "manualJudgment") else status,
        trigger_type=str(trigger.get("type") or ""),
        trigger_user=str(trigger.get("user") or ""),
        who=str(data.get("user") or "") if judging else "",
        duration_ms=duration if kind.endswith((".complete", ".failed")) else None,
        stage=stage.name if stage is not None else "",
        approvers=tuple(str(each) for each in context.get("approvers") or [])
        if kind == "manualJudgment"
        else (),
        instructions=str(context.get("instructions") or "") if kind == "manualJudgment" else "",
        judgment_input=str(data.get("input") or "") if judging and data.get("input") else "",
        link=link,
        reminder=bool(data.get("reminder")),
    )


def custom_text(
    rule: Mapping[str, Any], kind: str, execution: Execution, stage: Stage | None
) -> str:
    """`message.<event>.text`, with `${...}` evaluated against the run (failures stay literal)."""
    message = rule.get("message")
    entry = message.get(kind) if isinstance(message, Mapping) else None
    text = entry.get("text") if isinstance(entry, Mapping) else None
    if not isinstance(text, str) or not text.strip():
        return ""
    if "${" not in text:
        return text
    from apps.executions.registry import pipeline_expressions

    try:
        result = pipeline_expressions().process(text, execution=execution, stage=stage)
    except Exception:
        logger.exception("custom notification text of %s could not be evaluated", execution.id)
        return text
    return str(result.value)


# ------------------------------------------------------------------ expanding one event


@dataclass
class _Scope:
    team: Team
    application_id: int | None
    started_by: str
    link: str
    event: NotificationEvent
    execution: Execution
    stage: Stage | None


def _delivery(scope: _Scope, origin: str, target: Target, message: Message) -> NotificationDelivery:
    event_data = {
        "event": scope.event.kind,
        "application": scope.execution.application,
        "pipeline": scope.execution.name,
        "pipelineConfigId": scope.execution.pipeline_config_id,
        "executionId": scope.execution.id,
        "stage": scope.stage.name if scope.stage else None,
        "status": scope.event.data.get("status") or scope.execution.status.value,
    }
    return NotificationDelivery.objects.create(
        team=scope.team,
        application_id=scope.application_id,
        execution_id=scope.execution.id,
        stage_id=scope.event.stage_id,
        event=scope.event.kind,
        origin=origin,
        channel_type=target.channel_type,
        channel=target.channel,
        target=target.display[:500],
        direct_target=target.direct,
        recipients=target.recipients,
        message={**message.as_dict(), "event": event_data},
        state=DeliveryState.FAILED if target.error else DeliveryState.PENDING,
        last_error=target.error,
    )


def _to_inbox(scope: _Scope, origin: str, usernames: list[str], message: Message) -> None:
    users = team_members(scope.team, usernames)
    if not users:
        return
    InboxMessage.objects.bulk_create(
        InboxMessage(
            user=user,
            team=scope.team,
            event=scope.event.kind,
            title=message.title[:300],
            body=message.plain_text(),
            link=message.link[:1000],
            execution_id=scope.execution.id,
        )
        for user in users
    )
    target = Target("inbox", ", ".join(u.username for u in users), recipients=[])
    delivery = _delivery(scope, origin, target, message)
    delivery.state, delivery.sent_at, delivery.attempts = DeliveryState.SENT, timezone.now(), 1
    delivery.save(update_fields=["state", "sent_at", "attempts"])


def _send_rule(scope: _Scope, origin: str, rule: dict[str, Any], default_language: str) -> int:
    target = resolve_target(rule, scope.team)
    if target is None:
        return 0
    channel_language = target.channel.language if target.channel is not None else ""
    language = str(rule.get("language") or channel_language or default_language)
    facts = facts_of(scope.event.kind, scope.execution, scope.stage, scope.event.data, scope.link)
    custom = custom_text(rule, scope.event.kind, scope.execution, scope.stage)
    message = render(facts, language, custom=custom)
    if target.channel_type == "inbox" and not target.error:
        _to_inbox(scope, origin, target.recipients, message)
    else:
        _delivery(scope, origin, target, message)
    return 1


def _judgment_people(scope: _Scope, default_language: str) -> None:
    """Approvers and notifiers hear of a waiting judgment; the starter hears the decision."""
    kind = scope.event.kind
    facts = facts_of(kind, scope.execution, scope.stage, scope.event.data, scope.link)
    message = render(facts, default_language)
    if kind == "manualJudgment" and scope.stage is not None:
        context = scope.stage.context
        people = [str(each) for each in (context.get("approvers") or [])]
        people += [str(each) for each in (context.get("notifyUsers") or [])]
        _to_inbox(scope, "judgment", list(dict.fromkeys(people)), message)
    elif kind in ("manualJudgmentContinue", "manualJudgmentStop") and scope.started_by:
        _to_inbox(scope, "judgment", [scope.started_by], message)


def _schedule_reminder(scope: _Scope, rules: list[tuple[str, dict[str, Any]]]) -> None:
    intervals = [
        int(rule["notifyEveryMs"])
        for _, rule in rules
        if isinstance(rule.get("notifyEveryMs"), int) and rule["notifyEveryMs"] > 0
    ]
    if scope.event.kind != "manualJudgment" or not intervals or scope.stage is None:
        return
    every = min(intervals)
    JudgmentReminder.objects.get_or_create(
        execution_id=scope.execution.id,
        stage_id=scope.stage.id,
        defaults={
            "team": scope.team,
            "every_ms": every,
            "next_at": timezone.now() + timedelta(milliseconds=every),
        },
    )


def _scope(event: NotificationEvent) -> _Scope | None:
    from apps.executions.adapters.repository import DjangoExecutionRepository
    from apps.executions.models import Execution as ExecutionRow

    row = (
        ExecutionRow.objects.select_related("team", "application", "started_by")
        .filter(pk=event.execution_id)
        .first()
    )
    if row is None:
        return None
    execution = DjangoExecutionRepository().retrieve(row.pk)
    stage = execution.stage(event.stage_id) if event.stage_id else None
    order = getattr(row, "release_order", None)
    if order is not None and event.kind.startswith("manualJudgment"):
        link = release_order_link(row.team.slug, order.project.slug, order.pk)
    else:
        link = execution_link(row.team.slug, row.pk)
    starter = row.started_by.username if row.started_by is not None else ""
    if order is not None:
        starter = order.created_by.username
    return _Scope(row.team, row.application_id, starter, link, event, execution, stage)


def _listened_to(kind: str, rules: Any) -> bool:
    return any(isinstance(rule, dict) and kind in _when(rule) for rule in rules or [])


def _anyone_listens(event: NotificationEvent) -> bool:
    """A cheap look (no full execution load) at whether any rule wants this event: most stage
    events of most pipelines concern nobody."""
    from apps.executions.models import Execution as ExecutionRow
    from apps.executions.models import StageExecution

    if event.kind.startswith("manualJudgment"):
        return True  # approvers and notifiers hear of judgments without any rule
    row = ExecutionRow.objects.filter(pk=event.execution_id).values("application_id", "header")
    found = row.first()
    if found is None:
        return False
    application_rules = (
        ApplicationNotifications.objects.filter(application_id=found["application_id"])
        .values_list("rules", flat=True)
        .first()
    )
    if _listened_to(event.kind, application_rules):
        return True
    if event.kind.startswith("pipeline."):
        return _listened_to(event.kind, (found["header"] or {}).get("notifications"))
    data = StageExecution.objects.filter(pk=event.stage_id).values_list("data", flat=True).first()
    context = (data or {}).get("context") or {}
    return _truthy(context.get("sendNotifications")) and _listened_to(
        event.kind, context.get("notifications")
    )


def notification_event_expand(event: NotificationEvent) -> int:
    """Creates the deliveries (and inbox messages) of one event; returns how many rules fired."""
    if not _anyone_listens(event):
        return 0
    scope = _scope(event)
    if scope is None:
        return 0
    rules = applicable_rules(event.kind, scope.execution, scope.stage, scope.application_id)
    if event.data.get("reminder"):
        rules = [(origin, rule) for origin, rule in rules if (rule.get("notifyEveryMs") or 0) > 0]
    default_language = team_language(scope.team)
    fired = sum(_send_rule(scope, origin, rule, default_language) for origin, rule in rules)
    if event.kind.startswith("manualJudgment") and not event.data.get("reminder"):
        _judgment_people(scope, default_language)
        _schedule_reminder(scope, rules)
    if event.kind in ("manualJudgmentContinue", "manualJudgmentStop"):
        JudgmentReminder.objects.filter(
            execution_id=event.execution_id, stage_id=event.stage_id
        ).delete()
    return fired
