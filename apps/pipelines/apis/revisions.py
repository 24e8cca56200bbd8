"""REST API for revision history: list, one revision, diff, restore."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.apis import paginated_response
from apps.core.serializers import validated
from apps.pipelines import access, selectors, services
from apps.pipelines.apis.common import (
    ChangeNoteInput,
    PipelineDocumentOutput,
    document_response,
    if_match,
    request_source,
)
from apps.users.selectors import request_user


class RevisionOutput(serializers.Serializer):
    revision = serializers.IntegerField()
    source = serializers.CharField(source="change_source")  # type: ignore[assignment]
    user = serializers.SerializerMethodField()
    note = serializers.CharField(source="history_change_reason", allow_null=True)
    createdAt = serializers.DateTimeField(source="history_date")
    name = serializers.CharField()
    updateTs = serializers.SerializerMethodField()

    def get_user(self, record: Any) -> str:
        user = record.history_user
        return user.username if user is not None else record.last_modified_by

    def get_updateTs(self, record: Any) -> str:
        return str(record.update_ts)


class RevisionDetailOutput(RevisionOutput):
    pipeline = serializers.SerializerMethodField()

    def get_pipeline(self, record: Any) -> dict[str, Any]:
        return selectors.revision_document(pipeline=self.context["pipeline"], record=record)


class RevisionDiffOutput(serializers.Serializer):
    operations = serializers.ListField(child=serializers.DictField())
    text = serializers.CharField()


def _pipeline(request: Request, pipeline_id: str, perm: str = "view") -> Any:
    return access.access_pipeline_by_id(request.user, pipeline_id, perm, include_deleted=True)


class RevisionListApi(APIView):
    OutputSerializer = RevisionOutput
    paginated = True

    def get(self, request: Request, pipeline_id: str) -> Response:
        pipeline = _pipeline(request, pipeline_id)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.revision_list(pipeline=pipeline),
            serializer_class=RevisionOutput,
            ordering="-revision",
        )


class RevisionDetailApi(APIView):
    OutputSerializer = RevisionDetailOutput

    def get(self, request: Request, pipeline_id: str, revision: int) -> Response:
        pipeline = _pipeline(request, pipeline_id)
        record = selectors.revision_get(pipeline=pipeline, revision=int(revision))
        return Response(RevisionDetailOutput(record, context={"pipeline": pipeline}).data)


class RevisionDiffApi(APIView):
    """`?from=<revision>&to=<revision|current>` (`to` defaults to current)."""

    OutputSerializer = RevisionDiffOutput

    def get(self, request: Request, pipeline_id: str) -> Response:
        pipeline = _pipeline(request, pipeline_id)
        diff = selectors.revision_diff(
            pipeline=pipeline,
            from_revision=request.query_params.get("from", ""),
            to_revision=request.query_params.get("to", "current"),
        )
        return Response(diff)


class RevisionRestoreApi(APIView):
    OutputSerializer = PipelineDocumentOutput
    InputSerializer = ChangeNoteInput

    def post(self, request: Request, pipeline_id: str, revision: int) -> Response:
        pipeline = access.access_pipeline_by_id(request.user, pipeline_id, "manage_pipelines")
        data = validated(ChangeNoteInput, request.data)
        restored = services.pipeline_restore_revision(
            pipeline=pipeline,
            revision=int(revision),
            actor=request_user(request),
            source=request_source(request),
            if_match=if_match(request),
            note=data.get("changeNote", ""),
        )
        return document_response(restored)
