"""Token scopes: read for safe methods, write for config changes, execute for runs."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from apps.users.models import ApiToken


class TokenScopePermission(BasePermission):
    message = "This API token lacks the scope this operation needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # session users are limited by their roles only
        safe = request.method in SAFE_METHODS
        scope = "read" if safe else getattr(view, "api_scope", "write")
        if not token.allows(scope):
            self.message = f"This API token lacks the {scope!r} scope."
            return False
        return True
