"""The platform's one exception root and its error codes (every error body has one shape)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    STALE = "stale"
    LOCKED = "locked"
    NOT_RUNNABLE = "not_runnable"
    DISABLED = "disabled"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_ACCEPTABLE = "not_acceptable"
    THROTTLED = "throttled"
    UPSTREAM_ERROR = "upstream_error"
    SERVER_ERROR = "server_error"


class PlatformError(Exception):
    """Base of every error the platform raises on purpose; maps to one HTTP response."""

    status_code = 400
    code = ErrorCode.INVALID
    default_message = "The request is invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: ErrorCode | None = None,
        details: Any = None,
        status_code: int | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.details = details
        super().__init__(self.message)

    def as_body(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "details": self.details}


class ValidationFailed(PlatformError):
    """Bad input; `errors` is a list of {pointer, message} pairs (JSON pointers)."""

    status_code = 400
    code = ErrorCode.INVALID
    default_message = "The request is invalid."

    def __init__(self, errors: list[dict[str, Any]], message: str | None = None, **extra: Any):
        self.errors = errors
        if message is None:
            first = errors[0] if errors else {}
            where = first.get("pointer") or "/"
            message = f"{first.get('message', 'Invalid input')} (at {where})"
            if len(errors) > 1:
                message += f" and {len(errors) - 1} more problem(s)"
        super().__init__(message, details={"errors": errors, **extra})


class NotFound(PlatformError):
    status_code = 404
    code = ErrorCode.NOT_FOUND
    default_message = "Not found."


class PermissionDenied(PlatformError):
    status_code = 403
    code = ErrorCode.PERMISSION_DENIED
    default_message = "You do not have permission to do this."


class Conflict(PlatformError):
    status_code = 409
    code = ErrorCode.CONFLICT
    default_message = "The request conflicts with the current state."


class Locked(PlatformError):
    status_code = 423
    code = ErrorCode.LOCKED
    default_message = "The resource is locked."


class PayloadTooLarge(PlatformError):
    status_code = 413
    code = ErrorCode.PAYLOAD_TOO_LARGE
    default_message = "The request body is too large."


class UpstreamError(PlatformError):
    """A cloud or cluster the platform talked to failed; never carries credentials."""

    status_code = 502
    code = ErrorCode.UPSTREAM_ERROR
    default_message = "An upstream service failed."


def pointer_escape(token: str | int) -> str:
    """Escapes one JSON-pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    return "".join("/" + pointer_escape(token) for token in tokens)
