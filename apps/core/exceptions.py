"""The one DRF exception handler: every error becomes {"code", "message", "details"}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.errors import ErrorCode, PlatformError, pointer_escape

logger = logging.getLogger(__name__)

_DRF_CODES: list[tuple[type[drf.APIException], ErrorCode]] = [
    (drf.NotAuthenticated, ErrorCode.NOT_AUTHENTICATED),
    (drf.AuthenticationFailed, ErrorCode.NOT_AUTHENTICATED),
    (drf.PermissionDenied, ErrorCode.PERMISSION_DENIED),
    (drf.NotFound, ErrorCode.NOT_FOUND),
    (drf.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (drf.ParseError, ErrorCode.PARSE_ERROR),
    (drf.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (drf.NotAcceptable, ErrorCode.NOT_ACCEPTABLE),
    (drf.Throttled, ErrorCode.THROTTLED),
]


def flatten_validation_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Turns DRF's nested error dict/list into [{pointer, message, code}] (JSON pointers)."""
    if isinstance(detail, dict):
        errors: list[dict[str, Any]] = []
        for key, value in detail.items():
            if key == "non_field_errors":
                errors.extend(flatten_validation_errors(value, prefix))
            else:
                errors.extend(flatten_validation_errors(value, f"{prefix}/{pointer_escape(key)}"))
        return errors
    if isinstance(detail, list):
        if all(isinstance(item, (str, drf.ErrorDetail)) for item in detail):
            return [_leaf(item, prefix) for item in detail]
        errors = []
        for index, item in enumerate(detail):
            if item:  # DRF puts {} for list items that passed
                errors.extend(flatten_validation_errors(item, f"{prefix}/{index}"))
        return errors
    return [_leaf(detail, prefix)]


def _leaf(item: Any, pointer: str) -> dict[str, Any]:
    return {
        "pointer": pointer or "/",
        "message": str(item),
        "code": getattr(item, "code", "invalid"),
    }


def _response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PlatformError):
        set_rollback()
        return _response(exc.status_code, exc.as_body())
    if isinstance(exc, RequestDataTooBig):
        return _response(
            413, {"code": ErrorCode.PAYLOAD_TOO_LARGE, "message": str(exc), "details": None}
        )
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    if isinstance(exc, drf.ValidationError):
        set_rollback()
        errors = flatten_validation_errors(exc.detail)
        first = errors[0] if errors else {"pointer": "/", "message": "Invalid input."}
        message = f"{first['message']} (at {first['pointer']})"
        if len(errors) > 1:
            message += f" and {len(errors) - 1} more problem(s)"
        return _response(
            400, {"code": ErrorCode.INVALID, "message": message, "details": {"errors": errors}}
        )

    if isinstance(exc, drf.APIException):
        set_rollback()
        code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), ErrorCode.INVALID)
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return _response(
            exc.status_code, {"code": code, "message": str(message), "details": None}, headers
        )

    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    set_rollback()
    return _response(
        500,
        {
            "code": ErrorCode.SERVER_ERROR,
            "message": "Internal error; it has been logged.",
            "details": None,
        },
    )
