"""REST API for a pipeline's states: disable/enable (team or projects) and lock/unlock."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.serializers import InputSerializer, validated
from apps.pipelines import access, services
from apps.pipelines.apis.common import (
    ChangeNoteInput,
    PipelineDocumentOutput,
    document_response,
    request_source,
)
from apps.users.selectors import request_user


class ScopeInput(InputSerializer):
    scope = serializers.ChoiceField(choices=["team", "projects"])
    projects = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=500
    )
    changeNote = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["scope"] == "projects" and not attrs.get("projects"):
            raise serializers.ValidationError({"projects": ["Name at least one project."]})
        return attrs


def _scoped(request: Request, pipeline_id: str, disable: bool) -> Response:
    pipeline = access.access_pipeline_by_id(request.user, pipeline_id)
    data = validated(ScopeInput, request.data)
    projects = access.require_disable_permission(
        request.user, pipeline, scope=data["scope"], project_slugs=data.get("projects", [])
    )
    change = services.pipeline_disable if disable else services.pipeline_enable
    updated = change(
        pipeline=pipeline,
        actor=request_user(request),
        source=request_source(request),
        scope=data["scope"],
        projects=projects,
        note=data.get("changeNote", ""),
    )
    return document_response(updated)


class PipelineDisableApi(APIView):
    """Team scope needs the team's disable permission; project scope, admin of each project."""

    OutputSerializer = PipelineDocumentOutput
    InputSerializer = ScopeInput

    def post(self, request: Request, pipeline_id: str) -> Response:
        return _scoped(request, pipeline_id, disable=True)


class PipelineEnableApi(APIView):
    OutputSerializer = PipelineDocumentOutput
    InputSerializer = ScopeInput

    def post(self, request: Request, pipeline_id: str) -> Response:
        return _scoped(request, pipeline_id, disable=False)


class PipelineLockApi(APIView):
    OutputSerializer = PipelineDocumentOutput

    class InputSerializer(InputSerializer):
        description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        allowUnlockUi = serializers.BooleanField(required=False, default=True)
        allowApiUpdates = serializers.BooleanField(required=False, default=False)
        changeNote = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def post(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "lock_pipelines")
        data = validated(self.InputSerializer, request.data)
        locked = services.pipeline_lock(
            pipeline=pipeline,
            actor=request_user(request),
            source=request_source(request),
            description=data.get("description", ""),
            allow_unlock_ui=data["allowUnlockUi"],
            allow_api_updates=data["allowApiUpdates"],
            note=data.get("changeNote", ""),
        )
        return document_response(locked)


class PipelineUnlockApi(APIView):
    OutputSerializer = PipelineDocumentOutput
    InputSerializer = ChangeNoteInput

    def post(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "lock_pipelines")
        data = validated(ChangeNoteInput, request.data)
        unlocked = services.pipeline_unlock(
            pipeline=pipeline,
            actor=request_user(request),
            source=request_source(request),
            note=data.get("changeNote", ""),
        )
        return document_response(unlocked)
