"""Shared pieces of the pipeline API classes: request source, change notes, document responses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.applications import access as application_access
from apps.applications.models import Application
from apps.pipelines.documents import PLATFORM_KEY
from apps.pipelines.models import ChangeSource, Pipeline
from apps.pipelines.selectors import pipeline_document
from apps.teams import access as team_access
from apps.users.models import ApiToken

NOTE_HEADER = "X-Change-Note"


def request_source(request: Request) -> str:
    """Token-authenticated calls are API writes; browser sessions are the console's."""
    return ChangeSource.API if isinstance(request.auth, ApiToken) else ChangeSource.CONSOLE


def change_note(request: Request, body: Any = None) -> str:
    """A change note from the `cdplatform.changeNote` key of a body or the X-Change-Note header."""
    if isinstance(body, dict):
        block = body.get(PLATFORM_KEY)
        if isinstance(block, dict) and isinstance(block.get("changeNote"), str):
            return block["changeNote"][:2000]
        if isinstance(body.get("changeNote"), str):
            return body["changeNote"][:2000]
    return (request.headers.get(NOTE_HEADER) or "")[:2000]


def if_match(request: Request) -> str | None:
    return request.headers.get("If-Match") or None


def application_for(
    request: Request, team: str, application: str, perm: str = "view"
) -> Application:
    team_obj = team_access.access_team_by_slug(request.user, team)
    return application_access.access_application_by_name(request.user, team_obj, application, perm)


def document_response(pipeline: Pipeline, status: int = 200) -> Response:
    response = Response(pipeline_document(pipeline), status=status)
    response["ETag"] = pipeline.etag
    return response


class PipelineDocumentOutput(serializers.Serializer):
    """Documents the response: Spinnaker pipeline JSON plus the `cdplatform` block."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    application = serializers.CharField()
    index = serializers.IntegerField()
    stages = serializers.ListField(child=serializers.DictField())
    triggers = serializers.ListField(child=serializers.DictField(), required=False)
    parameterConfig = serializers.ListField(child=serializers.DictField(), required=False)
    disabled = serializers.BooleanField()
    locked = serializers.DictField(required=False)
    lastModifiedBy = serializers.CharField()
    updateTs = serializers.CharField()
    createTs = serializers.CharField()
    cdplatform = serializers.DictField()


class ChangeNoteInput(serializers.Serializer):
    changeNote = serializers.CharField(required=False, allow_blank=True, max_length=2000)
