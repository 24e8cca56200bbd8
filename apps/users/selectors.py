"""Reads for users and API tokens."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone

from apps.users.models import ApiToken, User
from apps.users.tokens import hash_key


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_authenticate(*, key: str) -> ApiToken | None:
    """The active token for a presented key, or None (unknown, revoked, expired)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.is_active_at(timezone.now()) or not token.user.is_active:
        return None
    return token


def request_user(request: Any) -> User:
    """The authenticated user of an API request (IsAuthenticated has already run)."""
    return cast(User, request.user)
