"""One API class per operation, several operations per URL: dispatch on the HTTP method."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.core.errors import ErrorCode


def by_method(**classes: Any) -> Any:
    """A view serving `get=ListApi, post=CreateApi, ...` on one path.

    drf-spectacular sees each class through `method_classes` (apps.core.schema).
    """
    views = {method.lower(): cls.as_view() for method, cls in classes.items()}
    if "get" in views and "head" not in views:
        views["head"] = views["get"]
    allowed = ", ".join([*sorted(m.upper() for m in views if m != "head"), "OPTIONS"])

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = (request.method or "").lower()
        handler = views.get(method)
        if handler is None and method == "options":
            handler = next(iter(views.values()))
        if handler is None:
            response = JsonResponse(
                {
                    "code": ErrorCode.METHOD_NOT_ALLOWED,
                    "message": f"Method {request.method} is not allowed here; use {allowed}.",
                    "details": None,
                },
                status=405,
            )
            response["Allow"] = allowed
            return response
        return handler(request, *args, **kwargs)

    first = next(iter(classes.values()))
    view.cls = first  # type: ignore[attr-defined]
    view.initkwargs = {}  # type: ignore[attr-defined]
    view.method_classes = {m.lower(): c for m, c in classes.items()}  # type: ignore[attr-defined]
    return csrf_exempt(view)
