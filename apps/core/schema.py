"""OpenAPI generation for our API classes: per-method dispatch, nested serializers, tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class MethodAwareEnumerator(EndpointEnumerator):
    def get_allowed_methods(self, callback: Any) -> list[str]:
        classes = getattr(callback, "method_classes", None)
        if classes:
            return [method.upper() for method in classes]
        return super().get_allowed_methods(callback)


class MethodAwareSchemaGenerator(SchemaGenerator):
    endpoint_inspector_cls = MethodAwareEnumerator

    def create_view(self, callback: Any, method: str, request: Any = None) -> Any:
        classes = getattr(callback, "method_classes", None)
        if classes and method.lower() in classes:
            original = callback.cls
            callback.cls = classes[method.lower()]
            try:
                return super().create_view(callback, method, request)
            finally:
                callback.cls = original
        return super().create_view(callback, method, request)


class AutoSchema(SpectacularAutoSchema):
    """Reads the nested InputSerializer / OutputSerializer of our one-operation API classes.

    `paginated = True` wraps the output in the cursor-pagination envelope; a view without
    an OutputSerializer documents an empty 204 response.
    """

    def get_request_serializer(self) -> Any:
        return getattr(self.view, "InputSerializer", None)

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        name = type(serializer).__name__
        if name in ("InputSerializer", "OutputSerializer"):
            # Nested serializers share names; qualify them by their API class.
            view_name = type(self.view).__name__.removesuffix("Api")
            return view_name + name.removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)

    def get_response_serializers(self) -> Any:
        output = getattr(self.view, "OutputSerializer", None)
        if output is None:
            if self.method == "DELETE":
                return {204: None}
            return super().get_response_serializers()
        if getattr(self.view, "paginated", False):
            return output(many=True)
        status_code = getattr(self.view, "success_status", 200)
        return {status_code: output}

    def _is_list_view(self, serializer: Any = None) -> bool:
        return bool(getattr(self.view, "paginated", False))

    def _get_paginator(self) -> Any:
        if getattr(self.view, "paginated", False):
            from apps.core.pagination import CursorPagination

            return CursorPagination()
        return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.users.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: create keys at /api/v1/tokens/ or with "
            "`python manage.py issue_token`.",
        }
