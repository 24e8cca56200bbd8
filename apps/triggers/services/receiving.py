"""Receiving a webhook, git or registry delivery: find the team's candidate triggers, verify the
sender against each one's secret, de-duplicate, match, start, and record it all.

```
POST ──> scope (team / trigger URL) ──> parse ──> verify per candidate ──┬─ none verified: 401
                                                                         └─ claim dedupe key
          202 {deliveryId, executions} <── record outcomes <── start <── match
```
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.core.errors import NotFound
from apps.teams.models import Team
from apps.triggers import signatures
from apps.triggers.matching import constraint_matches, credential_constraints, match, redacted
from apps.triggers.models import (
    DeliveryOutcome,
    DeliveryStatus,
    OutcomeResult,
    TeamTriggerSettings,
    TriggerDelivery,
    TriggerIndex,
)
from apps.triggers.services.starting import outcome_for, start_for_trigger
from apps.triggers.signatures import Verdict
from apps.triggers.sources import (
    DOCKER_SOURCES,
    GIT_PROVIDERS,
    Inbound,
    SourceError,
    parse,
)

# Headers worth keeping in the log; signatures, tokens and cookies never are.
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "x-github-event",
    "x-github-delivery",
    "x-github-hook-id",
    "x-gitlab-event",
    "x-gitlab-event-uuid",
    "x-gitlab-webhook-uuid",
    "x-gitlab-instance",
    "x-coding-event",
    "x-coding-delivery",
    "x-coding-service-hook-event",
    "x-coding-service-hook-id",
    "x-gitee-event",
    "x-gitee-timestamp",
    "x-delivery-id",
    "idempotency-key",
)
PREVIEW_CHARACTERS = 4096


@dataclass(frozen=True)
class Received:
    """One HTTP delivery as the receiving API saw it (header names lower-cased)."""

    kind: str  # trigger | webhook | git | docker
    source: str = ""
    team: str = ""
    token: uuid.UUID | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    remote_addr: str = ""


@dataclass(frozen=True)
class Reception:
    status_code: int
    body: dict[str, Any]


def _not_found() -> NotFound:
    # The same answer for a missing team, an unknown route and an unknown trigger URL.
    return NotFound("Not found.")


def _scope(received: Received) -> tuple[Team, list[TriggerIndex], str, str]:
    """(team, candidate triggers, delivery kind, source) for the route."""
    rows = TriggerIndex.objects.select_related("team", "pipeline__application")
    if received.kind == "trigger":
        row = rows.filter(token=received.token, type="webhook", live=True, enabled=True).first()
        if row is None:
            raise _not_found()
        return row.team, [row], "webhook", str(row.config.get("source") or "")
    team = Team.objects.filter(slug=received.team).first()
    if team is None:
        raise _not_found()
    source = received.source
    if received.kind == "git" and source in GIT_PROVIDERS:
        found = rows.filter(team=team, type="git", source=source)
    elif received.kind == "docker" and source in DOCKER_SOURCES:
        found = rows.filter(team=team, type="docker")
    elif received.kind == "webhook" and source:
        found = rows.filter(team=team, type="webhook", source=source)
    else:
        raise _not_found()
    return team, list(found.filter(live=True, enabled=True).order_by("pk")), received.kind, source


def _secret(row: TriggerIndex) -> str:
    stored = row.secret.get("value")
    if isinstance(stored, str) and stored:
        return stored
    # Spinnaker's `secret` typed into the pipeline JSON (imports) is honoured too.
    typed = row.config.get("secret")
    return typed if isinstance(typed, str) else ""


def _verify_secret(received: Received, inbound: Inbound, secret: str, now: datetime) -> Verdict:
    headers, body = received.headers, received.body
    if inbound.kind == "git":
        if inbound.source == "github":
            return signatures.github(headers, body, secret)
        if inbound.source == "gitlab":
            return signatures.gitlab(headers, body, secret)
        if inbound.source == "coding":
            return signatures.coding(headers, body, secret)
        return signatures.gitee(headers, body, secret, now_ms=int(now.timestamp() * 1000))
    if inbound.kind == "docker" and inbound.source == "coding" and "x-coding-signature" in headers:
        return signatures.coding(headers, body, secret)
    return signatures.body_hmac(headers, body, secret)


def _verify(
    row: TriggerIndex, received: Received, inbound: Inbound, allow_unsigned: bool, now: datetime
) -> Verdict:
    secret = _secret(row)
    if secret:
        return _verify_secret(received, inbound, secret, now)
    credentials = credential_constraints(row.config)
    if credentials:
        payload = inbound.payload if isinstance(inbound.payload, Mapping) else {}
        for key, value in credentials.items():
            ok, _ = constraint_matches(payload, str(key), value)
            if not ok:
                return Verdict(
                    False, f"payload constraint {key!r} (a shared secret) does not match"
                )
        return Verdict(True, "payload constraint secret verified")
    if received.kind == "trigger":
        return Verdict(True, "delivered to the trigger's own URL (no secret set)")
    if allow_unsigned:
        return Verdict(True, "unsigned: the team accepts unsigned deliveries")
    return Verdict(
        False, "the trigger has no secret and the team does not accept unsigned deliveries"
    )


def _stored_payload(payload: Any) -> tuple[Any, int]:
    text = json.dumps(redacted(payload), ensure_ascii=False, sort_keys=True)
    size = len(text.encode("utf-8"))
    if size <= platform_settings.TRIGGER_EVENT_PAYLOAD_MAX_BYTES:
        return redacted(payload), size
    return {"truncated": True, "size": size, "preview": text[:PREVIEW_CHARACTERS]}, size


def _record(
    team: Team, received: Received, kind: str, source: str, **fields: Any
) -> TriggerDelivery:
    headers = {name: received.headers[name] for name in KEPT_HEADERS if name in received.headers}
    return TriggerDelivery.objects.create(
        team=team,
        kind=kind,
        source=source[:200],
        headers=headers,
        remote_addr=received.remote_addr[:64],
        **fields,
    )


def _dedupe_key(received: Received, inbound: Inbound, now: datetime) -> tuple[str, str | None]:
    """(this delivery's key, the previous window's key for an id-less delivery, if any)."""
    route = str(received.token) if received.kind == "trigger" else inbound.source
    prefix = f"{received.kind}:{route}"
    if inbound.delivery_id:
        return f"{prefix}:id:{inbound.delivery_id}"[:255], None
    digest = hashlib.sha256(inbound.fingerprint.encode() + b"\n" + received.body).hexdigest()
    window = max(1, int(platform_settings.WEBHOOK_DEDUPE_WINDOW_SECONDS))
    bucket = int(now.timestamp()) // window
    return f"{prefix}:body:{digest}:{bucket}", f"{prefix}:body:{digest}:{bucket - 1}"


def _original(team: Team, key: str, previous: str | None, now: datetime) -> TriggerDelivery | None:
    found = TriggerDelivery.objects.filter(team=team, dedupe_key=key).first()
    if found is None and previous is not None:
        window = timedelta(seconds=platform_settings.WEBHOOK_DEDUPE_WINDOW_SECONDS)
        found = TriggerDelivery.objects.filter(
            team=team, dedupe_key=previous, received_at__gte=now - window
        ).first()
    return found


def _answer(delivery: TriggerDelivery, code: int = 202) -> Reception:
    outcomes = [
        outcome
        for outcome in DeliveryOutcome.objects.filter(delivery=delivery).order_by("id")
        if outcome.result != OutcomeResult.UNVERIFIED
    ]
    body = {
        "deliveryId": delivery.pk,
        "status": delivery.status,
        "reason": delivery.reason,
        "executions": [o.execution_id for o in outcomes if o.execution_id],
        "triggers": [
            {
                "pipelineId": str(o.pipeline_id) if o.pipeline_id else None,
                "pipeline": o.pipeline_name,
                "triggerId": o.trigger_id,
                "result": o.result,
                "reason": o.reason,
                "executionId": o.execution_id or None,
            }
            for o in outcomes
        ],
    }
    return Reception(code, body)


def _duplicate(
    team: Team, received: Received, inbound: Inbound, original: TriggerDelivery, now: datetime
) -> Reception:
    copy = _record(
        team,
        received,
        inbound.kind,
        inbound.source,
        event_type=inbound.event_type[:100],
        external_id=inbound.delivery_id[:255],
        status=DeliveryStatus.DUPLICATE,
        verified=True,
        duplicate_of=original,
        reason=f"already received as delivery {original.pk}; nothing was started again",
        summary=inbound.summary(),
        received_at=now,
        processed_at=now,
    )
    reception = _answer(original, code=200)
    reception.body.update(
        {"deliveryId": copy.pk, "status": copy.status, "duplicateOf": original.pk}
    )
    return reception


def _rejected(
    team: Team, received: Received, inbound: Inbound, rows: list[TriggerIndex], verdicts: dict
) -> Reception:
    reasons = sorted({verdicts[row.pk].reason for row in rows})
    delivery = _record(
        team,
        received,
        inbound.kind,
        inbound.source,
        event_type=inbound.event_type[:100],
        external_id=inbound.delivery_id[:255],
        status=DeliveryStatus.REJECTED,
        verification="; ".join(reasons),
        reason="no candidate trigger verified the sender",
        summary=inbound.summary(),
    )
    for row in rows:
        outcome_for(delivery, row, OutcomeResult.UNVERIFIED, verdicts[row.pk].reason)
    return Reception(
        401,
        {
            "code": "not_authenticated",
            "message": "The delivery could not be verified (signature, token or secret).",
            "details": {"deliveryId": delivery.pk},
        },
    )


def _run(
    delivery: TriggerDelivery, inbound: Inbound, rows: list[TriggerIndex], verdicts: dict
) -> None:
    matched = started = 0
    for row in rows:
        verdict = verdicts[row.pk]
        if not verdict.ok:
            outcome_for(delivery, row, OutcomeResult.UNVERIFIED, verdict.reason)
            continue
        found = match(row.config, inbound)
        if not found.ok:
            outcome_for(delivery, row, OutcomeResult.NOT_MATCHED, found.reason)
            continue
        matched += 1
        fields = dict(found.fields)
        parameters = fields.pop("parameters", None)
        outcome = start_for_trigger(
            delivery=delivery,
            row=row,
            fields=fields,
            artifacts=found.artifacts,
            parameters=parameters,
        )
        started += int(outcome.result == OutcomeResult.STARTED)
    if started:
        delivery.status = DeliveryStatus.STARTED
    elif matched:
        delivery.status = DeliveryStatus.NOT_STARTED
        delivery.reason = "a trigger matched but no pipeline started (see the triggers)"
    else:
        delivery.status = DeliveryStatus.NO_MATCH
        delivery.reason = "no trigger matched the event"


def delivery_receive(*, received: Received, now: datetime | None = None) -> Reception:
    """Handles one delivery; NotFound for an unknown team, route or trigger URL."""
    moment = now or timezone.now()
    team, rows, kind, source = _scope(received)
    try:
        inbound = parse(kind, source, received.headers, received.body)
    except SourceError as error:
        delivery = _record(
            team, received, kind, source, status=DeliveryStatus.INVALID, reason=str(error)
        )
        return Reception(
            400,
            {"code": "invalid", "message": str(error), "details": {"deliveryId": delivery.pk}},
        )
    allow_unsigned = bool(
        TeamTriggerSettings.objects.filter(team=team)
        .values_list("allow_unsigned", flat=True)
        .first()
    )
    verdicts = {row.pk: _verify(row, received, inbound, allow_unsigned, moment) for row in rows}
    accepted = {row.pk for row in rows if verdicts[row.pk].ok}
    if rows and not accepted:
        return _rejected(team, received, inbound, rows, verdicts)
    key, previous = _dedupe_key(received, inbound, moment)
    payload, size = _stored_payload(inbound.payload)
    with transaction.atomic():
        original = _original(team, key, previous, moment)
        if original is not None:
            return _duplicate(team, received, inbound, original, moment)
        try:
            with transaction.atomic():
                delivery = _record(
                    team,
                    received,
                    kind,
                    inbound.source,
                    event_type=inbound.event_type[:100],
                    external_id=inbound.delivery_id[:255],
                    dedupe_key=key,
                    trigger=rows[0] if received.kind == "trigger" else None,
                    status=DeliveryStatus.PROCESSING,
                    verified=bool(rows),
                    verification="; ".join(sorted({verdicts[pk].reason for pk in accepted})),
                    summary=inbound.summary(),
                    payload=payload,
                    payload_size=size,
                    received_at=moment,
                )
        except IntegrityError:
            original = _original(team, key, previous, moment)
            if original is None:
                raise
            return _duplicate(team, received, inbound, original, moment)
        if not rows:
            delivery.status = DeliveryStatus.NO_MATCH
            delivery.reason = "no trigger of this team listens to this route"
        elif not inbound.actionable:
            delivery.status = DeliveryStatus.IGNORED
            delivery.reason = inbound.ignored_reason
        else:
            _run(delivery, inbound, rows, verdicts)
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["status", "reason", "processed_at"])
    return _answer(delivery)
