"""Writes of notification channels, the team's language and an application's rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from apps.applications.models import Application
from apps.core.errors import Conflict, ValidationFailed, pointer
from apps.notifications.models import (
    URL_CHANNELS,
    ApplicationNotifications,
    ChannelType,
    NotificationChannel,
    TeamNotificationSettings,
)
from apps.teams.models import Team
from engine.catalog import EVENT_KEYS

RULE_TYPES = frozenset({*ChannelType.values, "inbox"})
# Repeating a judgment reminder more often than this would be spam.
MIN_REPEAT_MS = 60_000
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
_URL = re.compile(r"^https?://\S+$")


def split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [str(each) for each in value]
    else:
        items = str(value or "").replace(";", ",").split(",")
    return [item.strip() for item in items if item.strip()]


def _check_target(channel_type: str, fields: Mapping[str, Any], creating: bool) -> list[dict]:
    errors = []
    if channel_type in URL_CHANNELS:
        url = fields.get("url")
        if (creating or "url" in fields) and not (isinstance(url, str) and _URL.match(url)):
            errors.append({"pointer": "/url", "message": "An http(s) URL is required."})
    if channel_type == ChannelType.EMAIL:
        addresses = split_list(fields.get("addresses"))
        if creating or "addresses" in fields:
            if not addresses:
                errors.append({"pointer": "/addresses", "message": "Give at least one address."})
            errors.extend(
                {"pointer": pointer("addresses", index), "message": f"{each!r} is not an email."}
                for index, each in enumerate(addresses)
                if not _EMAIL.match(each)
            )
    return errors


def _validate_name(channel: NotificationChannel) -> None:
    try:
        channel.full_clean(
            exclude=["team", "credentials"], validate_unique=False, validate_constraints=False
        )
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [
                {"pointer": f"/{field}", "message": " ".join(messages)}
                for field, messages in exc.message_dict.items()
            ]
        ) from exc


@transaction.atomic
def channel_create(*, team: Team, name: str, type: str, **fields: Any) -> NotificationChannel:
    errors = _check_target(type, fields, creating=True)
    if errors:
        raise ValidationFailed(errors)
    channel = NotificationChannel(
        team=team,
        name=name,
        type=type,
        description=fields.get("description", ""),
        language=fields.get("language", ""),
        addresses=split_list(fields.get("addresses")) if type == ChannelType.EMAIL else [],
        credentials=_credentials({}, fields),
    )
    _validate_name(channel)
    if NotificationChannel.objects.filter(team=team, name=name).exists():
        raise Conflict(f"A notification channel named {name!r} already exists in this team.")
    channel.save()
    return channel


def _credentials(current: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key in ("url", "secret"):
        if key in fields:
            if fields[key]:
                merged[key] = fields[key]
            else:
                merged.pop(key, None)
    return merged


@transaction.atomic
def channel_update(*, channel: NotificationChannel, **fields: Any) -> NotificationChannel:
    errors = _check_target(channel.type, fields, creating=False)
    if errors:
        raise ValidationFailed(errors)
    for key in ("description", "language"):
        if key in fields:
            setattr(channel, key, fields[key])
    if "addresses" in fields and channel.type == ChannelType.EMAIL:
        channel.addresses = split_list(fields["addresses"])
    channel.credentials = _credentials(channel.credentials, fields)
    channel.updated_at = timezone.now()
    channel.save()
    return channel


@transaction.atomic
def channel_delete(*, channel: NotificationChannel) -> None:
    channel.delete()


def team_language_set(*, team: Team, language: str) -> TeamNotificationSettings:
    settings, _ = TeamNotificationSettings.objects.update_or_create(
        team=team, defaults={"language": language, "updated_at": timezone.now()}
    )
    return settings


# ------------------------------------------------------------------ application rules


def _check_rule(team: Team, rule: Any, at: str) -> tuple[dict[str, Any], list[dict]]:
    if not isinstance(rule, Mapping):
        return {}, [{"pointer": at, "message": "A rule is an object."}]
    errors: list[dict] = []
    kind = str(rule.get("type") or "")
    if kind not in RULE_TYPES:
        choices = ", ".join(sorted(RULE_TYPES))
        errors.append({"pointer": f"{at}/type", "message": f"Use one of {choices}."})
    when = rule.get("when")
    if not isinstance(when, list) or not when:
        errors.append({"pointer": f"{at}/when", "message": "List at least one event."})
    else:
        errors.extend(
            {"pointer": f"{at}/when/{index}", "message": f"Unknown event {event!r}."}
            for index, event in enumerate(when)
            if event not in EVENT_KEYS
        )
    channel = rule.get("channel")
    if kind in URL_CHANNELS or (kind == ChannelType.EMAIL and channel):
        if not channel:
            errors.append({"pointer": f"{at}/channel", "message": "Name a notification channel."})
        elif not NotificationChannel.objects.filter(team=team, name=str(channel)).exists():
            errors.append({"pointer": f"{at}/channel", "message": f"No channel {channel!r}."})
    elif kind in (ChannelType.EMAIL, "inbox") and not split_list(rule.get("address")):
        errors.append({"pointer": f"{at}/address", "message": "Give addresses or usernames."})
    message = rule.get("message", {})
    if not isinstance(message, Mapping) or any(
        not isinstance(value, Mapping) or not isinstance(value.get("text", ""), str)
        for value in message.values()
    ):
        errors.append({"pointer": f"{at}/message", "message": "Use {event: {text: ...}}."})
    repeat = rule.get("notifyEveryMs")
    if repeat not in (None, 0) and (not isinstance(repeat, int) or repeat < MIN_REPEAT_MS):
        errors.append(
            {"pointer": f"{at}/notifyEveryMs", "message": f"Use 0 or at least {MIN_REPEAT_MS}."}
        )
    return dict(rule), errors


@transaction.atomic
def application_notifications_set(
    *, application: Application, rules: list[Any]
) -> ApplicationNotifications:
    checked: list[dict[str, Any]] = []
    errors: list[dict] = []
    for index, rule in enumerate(rules):
        clean, problems = _check_rule(application.team, rule, pointer("rules", index))
        checked.append(clean)
        errors.extend(problems)
    if errors:
        raise ValidationFailed(errors)
    config, _ = ApplicationNotifications.objects.update_or_create(
        application=application, defaults={"rules": checked, "updated_at": timezone.now()}
    )
    return config
