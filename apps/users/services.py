"""Writes for users and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.conf import platform_settings
from apps.core.errors import Conflict, NotFound, ValidationFailed
from apps.users.models import ApiToken, TokenScope, User
from apps.users.tokens import generate_key, hash_key

ALL_SCOPES = [choice.value for choice in TokenScope]


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # plaintext, returned once


def user_create(
    *, username: str, password: str | None, email: str = "", display_name: str = ""
) -> User:
    if User.objects.filter(username=username).exists():
        raise Conflict(f"User {username!r} already exists.")
    user = User(username=username, email=email, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def token_create(
    *, user: User, name: str, scopes: list[str] | None = None, expires_days: int | None = None
) -> IssuedToken:
    scopes = list(dict.fromkeys(scopes or ALL_SCOPES))
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown:
        raise ValidationFailed(
            [
                {
                    "pointer": "/scopes",
                    "message": f"Unknown scope(s) {', '.join(unknown)}; "
                    f"use {', '.join(ALL_SCOPES)}.",
                }
            ]
        )
    if expires_days is None and platform_settings.TOKEN_DEFAULT_EXPIRY_DAYS:
        expires_days = platform_settings.TOKEN_DEFAULT_EXPIRY_DAYS
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    key = generate_key()
    token = ApiToken(
        user=user,
        name=name.strip(),
        scopes=scopes,
        key_hash=hash_key(key),
        key_prefix=key[:10],
        expires_at=expires_at,
    )
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError as exc:
        raise Conflict(f"You already have a token named {name!r}.") from exc
    return IssuedToken(token=token, key=key)


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound("Token not found.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Records use, at most once per TOKEN_LAST_USED_RESOLUTION_SECONDS."""
    now = timezone.now()
    resolution = timedelta(seconds=platform_settings.TOKEN_LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= resolution:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
