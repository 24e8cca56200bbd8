"""Shared pieces of API classes: cursor-paginated list responses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.pagination import CursorPagination


def paginated_response(
    *,
    request: Request,
    view: APIView,
    queryset: QuerySet[Any],
    serializer_class: Any,
    ordering: str | tuple[str, ...] = "-id",
    context: dict[str, Any] | None = None,
) -> Response:
    paginator = CursorPagination()
    paginator.ordering = ordering  # type: ignore[assignment]
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {"request": request}).data
    return paginator.get_paginated_response(data)
