"""REST API for the stage/trigger/notification catalogue and the pipeline templates."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound
from apps.executions.registry import is_runnable_stage_type
from apps.pipelines.templates import TEMPLATES
from engine.catalog import CATALOG


def _stage_type(stage_type: Any) -> dict[str, Any]:
    return {**stage_type.to_json(), "runnable": is_runnable_stage_type(stage_type.type)}


class CatalogOutput(serializers.Serializer):
    stageTypes = serializers.ListField(child=serializers.DictField())
    triggerTypes = serializers.ListField(child=serializers.DictField())
    notificationTypes = serializers.ListField(child=serializers.DictField())


class ResultsOutput(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField())


class StageTypeOutput(serializers.Serializer):
    type = serializers.CharField()
    group = serializers.CharField()
    label = serializers.DictField()  # type: ignore[assignment]
    description = serializers.DictField()
    aliases = serializers.ListField(child=serializers.CharField())
    cloudProvider = serializers.CharField(allow_null=True)
    fields = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]
    requirements = serializers.ListField(child=serializers.DictField())
    runnable = serializers.BooleanField()


class CatalogApi(APIView):
    """Everything the console needs to build pipeline forms, in English and Simplified Chinese."""

    OutputSerializer = CatalogOutput

    def get(self, request: Request) -> Response:
        catalog = CATALOG.to_json()
        catalog["stageTypes"] = [_stage_type(each) for each in CATALOG.stage_types()]
        catalog["templates"] = sorted(TEMPLATES)
        return Response(catalog)


class StageTypeListApi(APIView):
    OutputSerializer = ResultsOutput

    def get(self, request: Request) -> Response:
        return Response({"results": [_stage_type(each) for each in CATALOG.stage_types()]})


class StageTypeDetailApi(APIView):
    OutputSerializer = StageTypeOutput

    def get(self, request: Request, stage_type: str) -> Response:
        found = CATALOG.stage_type(stage_type)
        if found is None:
            raise NotFound(f"Stage type {stage_type!r} not found.")
        return Response(_stage_type(found))


class TriggerTypeListApi(APIView):
    OutputSerializer = ResultsOutput

    def get(self, request: Request) -> Response:
        return Response({"results": [each.to_json() for each in CATALOG.trigger_types()]})


class NotificationTypeListApi(APIView):
    OutputSerializer = ResultsOutput

    def get(self, request: Request) -> Response:
        return Response({"results": [each.to_json() for each in CATALOG.notification_types()]})
