"""REST API for pipeline configs: list, create, read, replace, merge-patch, delete, reorder."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.apis import paginated_response
from apps.core.errors import ValidationFailed
from apps.core.parsers import MergePatchParser, StrictJSONParser
from apps.core.serializers import InputSerializer, validated
from apps.pipelines import access, selectors, services
from apps.pipelines.apis.common import (
    ChangeNoteInput,
    PipelineDocumentOutput,
    application_for,
    change_note,
    document_response,
    if_match,
    request_source,
)
from apps.pipelines.models import Pipeline
from apps.pipelines.templates import TEMPLATES
from apps.teams.models import Project
from apps.users.selectors import request_user


class PipelineSummaryOutput(serializers.Serializer):
    """One row of the pipeline list (built directly: lists are the hot path)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    application = serializers.CharField()
    index = serializers.IntegerField()
    disabled = serializers.BooleanField()
    disabledInProjects = serializers.ListField(child=serializers.CharField())
    locked = serializers.BooleanField()
    lock = serializers.DictField(allow_null=True)
    runnable = serializers.BooleanField()
    notRunnableReasons = serializers.ListField(child=serializers.CharField())
    revision = serializers.IntegerField()
    lastModifiedBy = serializers.CharField()
    updateTs = serializers.CharField()
    updatedAt = serializers.DateTimeField()
    deletedAt = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        runnable, reasons = selectors.stage_types_runnable(
            instance["stage_types"], self.context["runnability"]
        )
        lock = instance["lock"]
        return {
            "id": str(instance["id"]),
            "name": instance["name"],
            "application": self.context["application"],
            "index": instance["index"],
            "disabled": instance["disabled"],
            "disabledInProjects": self._project_slugs(instance["disabled_project_ids"]),
            "locked": bool(lock),
            "lock": {
                "description": lock.get("description") or "",
                "allowUnlockUi": bool(lock.get("allowUnlockUi")),
                "allowApiUpdates": instance["lock_allows_api_updates"],
            }
            if lock
            else None,
            "runnable": runnable,
            "notRunnableReasons": reasons,
            "revision": instance["revision"],
            "lastModifiedBy": instance["last_modified_by"],
            "updateTs": str(instance["update_ts"]),
            "updatedAt": _iso(instance["updated_at"]),
            "deletedAt": _iso(instance["deleted_at"]),
        }

    def _project_slugs(self, ids: list[int] | None) -> list[str]:
        if not ids:
            return []
        projects = self.context["projects"]  # one query per page, only when needed
        if projects.get("slugs") is None:
            projects["slugs"] = dict(
                Project.objects.filter(team_id=projects["team_id"]).values_list("id", "slug")
            )
        return sorted(projects["slugs"][pk] for pk in ids if pk in projects["slugs"])


def _iso(moment: Any) -> str | None:
    """ISO 8601 as DRF renders it (UTC as `Z`), without building a field per value."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class PipelineListApi(APIView):
    OutputSerializer = PipelineSummaryOutput
    paginated = True

    def get(self, request: Request, team: str, application: str) -> Response:
        app = application_for(request, team, application)
        deleted = request.query_params.get("deleted", "").lower() in ("1", "true", "yes")
        queryset = selectors.pipeline_list_rows(
            application=app, deleted=deleted, search=request.query_params.get("q", "")
        )
        return paginated_response(
            request=request,
            view=self,
            queryset=queryset,
            serializer_class=PipelineSummaryOutput,
            ordering=("-deleted_at",) if deleted else ("index", "name"),
            context={
                "application": app.name,
                "projects": {"team_id": app.team_id},
                "runnability": {},
            },
        )


class PipelineCreateApi(APIView):
    """Body: full pipeline JSON, or `{name, template}`, or `{name, copyFrom}`."""

    OutputSerializer = PipelineDocumentOutput
    success_status = 201

    class InputSerializer(InputSerializer):
        name = serializers.CharField(max_length=255)
        template = serializers.ChoiceField(choices=sorted(TEMPLATES), required=False)
        copyFrom = serializers.UUIDField(required=False)
        changeNote = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def post(self, request: Request, team: str, application: str) -> Response:
        app = application_for(request, team, application, "manage_pipelines")
        pipeline = _create(request, app, request.data)
        return document_response(pipeline, status=status.HTTP_201_CREATED)


def _create(request: Request, app: Any, body: Any) -> Pipeline:
    user = request_user(request)
    source = request_source(request)
    if isinstance(body, dict) and (isinstance(body.get("template"), str) or "copyFrom" in body):
        data = validated(PipelineCreateApi.InputSerializer, body)
        note = data.get("changeNote", "")
        if "copyFrom" in data:
            original = access.access_pipeline_in_team(user, app.team, data["copyFrom"])
            return services.pipeline_copy(
                application=app, source_pipeline=original, name=data["name"], actor=user, note=note
            )
        if "template" not in data:
            raise ValidationFailed([{"pointer": "/template", "message": "Choose a template."}])
        return services.pipeline_create_from_template(
            application=app,
            name=data["name"],
            template=data["template"],
            actor=user,
            source=source,
            note=note,
        )
    return services.pipeline_create(
        application=app, document=body, actor=user, source=source, note=change_note(request, body)
    )


class PipelineDetailApi(APIView):
    OutputSerializer = PipelineDocumentOutput

    def get(self, request: Request, pipeline_id: str) -> Response:
        return document_response(access.access_pipeline_by_id(request.user, pipeline_id))


class PipelineUpdateApi(APIView):
    """PUT: the full pipeline JSON; `updateTs` or If-Match guard against stale saves."""

    OutputSerializer = PipelineDocumentOutput

    def put(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "manage_pipelines")
        updated = services.pipeline_update(
            pipeline=pipeline,
            document=request.data,
            actor=request_user(request),
            source=request_source(request),
            if_match=if_match(request),
            note=change_note(request, request.data),
        )
        return document_response(updated)


class PipelinePatchApi(APIView):
    """PATCH: an RFC 7386 merge patch (application/merge-patch+json or application/json)."""

    OutputSerializer = PipelineDocumentOutput
    parser_classes = [MergePatchParser, StrictJSONParser]

    def patch(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "manage_pipelines")
        updated = services.pipeline_patch(
            pipeline=pipeline,
            patch=request.data,
            actor=request_user(request),
            source=request_source(request),
            if_match=if_match(request),
            note=change_note(request, request.data),
        )
        return document_response(updated)


class PipelineDeleteApi(APIView):
    def delete(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "manage_pipelines")
        services.pipeline_delete(
            pipeline=pipeline,
            actor=request_user(request),
            source=request_source(request),
            if_match=if_match(request),
            note=change_note(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PipelineUndeleteApi(APIView):
    OutputSerializer = PipelineDocumentOutput
    InputSerializer = ChangeNoteInput

    def post(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(
            request.user, pipeline_id, "manage_pipelines", include_deleted=True
        )
        data = validated(ChangeNoteInput, request.data)
        restored = services.pipeline_undelete(
            pipeline=pipeline,
            actor=request_user(request),
            source=request_source(request),
            note=data.get("changeNote", ""),
        )
        return document_response(restored)


class ReorderOutput(serializers.Serializer):
    reordered = serializers.IntegerField()


class PipelineReorderApi(APIView):
    """`{idsToIndices: {id: index}}` (Front50's body) or `{ids: [id, ...]}` (index = position)."""

    OutputSerializer = ReorderOutput

    class InputSerializer(InputSerializer):
        idsToIndices = serializers.DictField(
            child=serializers.IntegerField(min_value=0), required=False
        )
        ids = serializers.ListField(child=serializers.CharField(), required=False, max_length=10000)

    def post(self, request: Request, team: str, application: str) -> Response:
        app = application_for(request, team, application, "manage_pipelines")
        data = validated(self.InputSerializer, request.data)
        order = data.get("idsToIndices") or {key: i for i, key in enumerate(data.get("ids", []))}
        count = services.pipeline_reorder(application=app, ids_to_indices=order)
        return Response({"reordered": count})


class PipelineStagesCopyApi(APIView):
    OutputSerializer = PipelineDocumentOutput

    class InputSerializer(InputSerializer):
        # `from` is a Python keyword, so it goes into the class namespace by name.
        locals()["from"] = serializers.UUIDField(help_text="The pipeline to copy stages from.")
        refIds = serializers.ListField(
            child=serializers.CharField(max_length=100), min_length=1, max_length=1000
        )
        after = serializers.ListField(
            child=serializers.CharField(max_length=100), required=False, max_length=1000
        )
        changeNote = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def post(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "manage_pipelines")
        data = validated(self.InputSerializer, request.data)
        origin = access.access_pipeline_by_id(request.user, data["from"])
        updated = services.pipeline_stages_copy(
            pipeline=pipeline,
            from_pipeline=origin,
            ref_ids=data["refIds"],
            after=data.get("after", []),
            actor=request_user(request),
            source=request_source(request),
            if_match=if_match(request),
            note=data.get("changeNote", ""),
        )
        return document_response(updated)
