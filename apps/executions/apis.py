"""REST API for executions: read them, list them, and operate on them (one class per operation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications.access import access_application_by_name
from apps.core.apis import paginated_response
from apps.core.errors import NotFound
from apps.core.serializers import InputSerializer, validated
from apps.executions import access, selectors
from apps.executions.models import Execution, ExecutionStatus, ReleaseOrder
from apps.executions.selectors import release_order_list
from apps.executions.services import operations
from apps.executions.services.launch import pipeline_start
from apps.executions.services.release_orders import release_order_create
from apps.pipelines.access import access_pipeline_by_id
from apps.teams.access import access_project_by_slug, access_team_by_slug
from apps.users.selectors import request_user


class ExecutionSummaryOutput(serializers.ModelSerializer):
    """A list row: no stages (lists stay cheap with 100,000 runs)."""

    application = serializers.CharField(source="application.name")
    pipelineConfigId = serializers.CharField(source="pipeline_config_id")
    buildTime = serializers.IntegerField(source="build_time")
    startTime = serializers.IntegerField(source="start_time")
    endTime = serializers.IntegerField(source="end_time")
    parentExecutionId = serializers.CharField(source="parent_execution_id")
    startedBy = serializers.CharField(source="started_by.username", default=None)
    trigger = serializers.SerializerMethodField()

    class Meta:
        model = Execution
        fields = [
            "id",
            "name",
            "application",
            "pipelineConfigId",
            "status",
            "buildTime",
            "startTime",
            "endTime",
            "canceled",
            "parentExecutionId",
            "startedBy",
            "trigger",
        ]

    def get_trigger(self, execution: Execution) -> dict[str, Any]:
        trigger = execution.header.get("trigger") or {}
        return {
            "type": trigger.get("type"),
            "user": trigger.get("user"),
            "parameters": trigger.get("parameters") or {},
        }


class ExecutionDocumentOutput(serializers.Serializer):
    """Spinnaker's execution JSON (Gate's `GET /pipelines/{id}`)."""

    def to_representation(self, instance: Any) -> Any:
        return instance


def _csv(request: Request, name: str) -> list[str]:
    return [v for value in request.query_params.getlist(name) for v in value.split(",") if v]


def list_response(request: Request, view: APIView, queryset: Any, **filters: Any) -> Response:
    statuses = [s.upper() for s in _csv(request, "status")]
    unknown = [s for s in statuses if s not in ExecutionStatus.values]
    if unknown:
        raise serializers.ValidationError({"status": [f"Unknown status {unknown[0]!r}."]})
    queryset = selectors.execution_list(
        executions=queryset,
        statuses=statuses,
        trigger_types=_csv(request, "triggerType"),
        **filters,
    )
    return paginated_response(
        request=request,
        view=view,
        queryset=queryset,
        serializer_class=ExecutionSummaryOutput,
        ordering="-build_time",
    )


class ApplicationExecutionListApi(APIView):
    OutputSerializer = ExecutionSummaryOutput
    paginated = True

    def get(self, request: Request, team: str, application: str) -> Response:
        team_obj = access_team_by_slug(request.user, team)
        app = access_application_by_name(request.user, team_obj, application)
        return list_response(
            request,
            self,
            Execution.objects.filter(application=app),
            pipeline_config_id=request.query_params.get("pipeline"),
        )


class ExecutionDetailApi(APIView):
    OutputSerializer = ExecutionDocumentOutput

    def get(self, request: Request, execution_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id)
        return Response(selectors.execution_document(execution))


class _Operation(APIView):
    api_scope = "execute"
    OutputSerializer = ExecutionDocumentOutput
    success_status = 202

    def accepted(self, execution: Execution) -> Response:
        execution.refresh_from_db()
        return Response(
            {"id": execution.pk, "status": execution.status}, status=status.HTTP_202_ACCEPTED
        )


class ExecutionCancelApi(_Operation):
    class InputSerializer(InputSerializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def post(self, request: Request, execution_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        data = validated(self.InputSerializer, request.data)
        operations.execution_cancel(
            execution=execution, user=request_user(request), reason=data.get("reason", "")
        )
        return self.accepted(execution)


class ExecutionPauseApi(_Operation):
    def post(self, request: Request, execution_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.execution_pause(execution=execution, user=request_user(request))
        return self.accepted(execution)


class ExecutionResumeApi(_Operation):
    def post(self, request: Request, execution_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.execution_resume(execution=execution, user=request_user(request))
        return self.accepted(execution)


class StageRestartApi(_Operation):
    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.stage_restart(execution=execution, stage_id=stage_id, user=request_user(request))
        return self.accepted(execution)


class StageSkipApi(_Operation):
    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.stage_skip(execution=execution, stage_id=stage_id, user=request_user(request))
        return self.accepted(execution)


class StageSkipWaitApi(_Operation):
    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.stage_skip_wait(
            execution=execution, stage_id=stage_id, user=request_user(request)
        )
        return self.accepted(execution)


class StageSkipWindowApi(_Operation):
    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id, access.OPERATE)
        operations.stage_skip_window(
            execution=execution, stage_id=stage_id, user=request_user(request)
        )
        return self.accepted(execution)


class StageJudgmentApi(_Operation):
    class InputSerializer(InputSerializer):
        judgmentStatus = serializers.ChoiceField(
            choices=["continue", "stop"], source="judgment_status"
        )
        judgmentInput = serializers.CharField(
            required=False, allow_blank=True, max_length=1000, source="judgment_input"
        )
        customParams = serializers.DictField(required=False, source="custom_params")

    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id)
        data = validated(self.InputSerializer, request.data)
        stage = selectors.execution_stage(execution, stage_id)
        access.require_judge(request.user, execution, stage.context)
        operations.stage_judge(
            execution=execution, stage_id=stage_id, user=request_user(request), **data
        )
        return self.accepted(execution)


class ExecutionEvaluateApi(APIView):
    api_scope = "read"

    class InputSerializer(InputSerializer):
        expression = serializers.CharField(max_length=10_000)
        stageId = serializers.CharField(required=False, max_length=26, source="stage_id")

    class OutputSerializer(serializers.Serializer):
        expression = serializers.CharField()
        result = serializers.JSONField()
        detail = serializers.JSONField()

    def post(self, request: Request, execution_id: str) -> Response:
        execution = access.access_execution_by_id(request.user, execution_id)
        data = validated(self.InputSerializer, request.data)
        return Response(selectors.execution_evaluate(execution, **data))


# ------------------------------------------------------------------ starting runs


class _StartFields(InputSerializer):
    parameters = serializers.DictField(required=False, default=dict)
    artifacts = serializers.ListField(
        child=serializers.DictField(), required=False, default=list, max_length=200
    )


class PipelineExecutionStartApi(APIView):
    api_scope = "execute"
    success_status = 202
    InputSerializer = _StartFields

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        status = serializers.CharField()
        pipelineConfigId = serializers.CharField(source="pipeline_config_id")

    def post(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access_pipeline_by_id(request.user, pipeline_id, "operate_executions")
        data = validated(self.InputSerializer, request.data)
        execution = pipeline_start(
            pipeline_id=pipeline.pk,
            user=request_user(request),
            trigger={"type": "manual", "user": request.user.username},
            parameters=data["parameters"],
            artifacts=data["artifacts"],
        )
        return Response(self.OutputSerializer(execution).data, status=status.HTTP_202_ACCEPTED)


class PipelineExecutionListApi(APIView):
    OutputSerializer = ExecutionSummaryOutput
    paginated = True

    def get(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access_pipeline_by_id(request.user, pipeline_id, include_deleted=True)
        return list_response(
            request,
            self,
            Execution.objects.filter(
                application=pipeline.application, pipeline_config_id=str(pipeline.pk)
            ),
        )


# ------------------------------------------------------------------ release orders


class ReleaseOrderOutput(serializers.ModelSerializer):
    project = serializers.CharField(source="project.slug")
    application = serializers.CharField(source="application.name")
    pipeline = serializers.CharField(source="pipeline_config_id")
    pipelineName = serializers.CharField(source="pipeline_name")
    createdBy = serializers.CharField(source="created_by.username")
    createdAt = serializers.DateTimeField(source="created_at")
    execution = ExecutionSummaryOutput()

    class Meta:
        model = ReleaseOrder
        fields = [
            "id",
            "project",
            "application",
            "pipeline",
            "pipelineName",
            "parameters",
            "artifacts",
            "note",
            "createdBy",
            "createdAt",
            "execution",
        ]


def _project(request: Request, team: str, project: str, perm: str = "view_project") -> Any:
    team_obj = access_team_by_slug(request.user, team)
    return access_project_by_slug(request.user, team_obj, project, perm)


class ReleaseOrderListApi(APIView):
    OutputSerializer = ReleaseOrderOutput
    paginated = True

    def get(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project)
        return paginated_response(
            request=request,
            view=self,
            ordering="-id",
            queryset=release_order_list(project=project_obj),
            serializer_class=ReleaseOrderOutput,
        )


class ReleaseOrderCreateApi(APIView):
    api_scope = "execute"
    OutputSerializer = ReleaseOrderOutput
    success_status = 202

    class InputSerializer(_StartFields):
        application = serializers.CharField(max_length=63)
        pipeline = serializers.CharField(max_length=64)
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    def post(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project, "submit_release_orders")
        data = validated(self.InputSerializer, request.data)
        order = release_order_create(
            project=project_obj,
            application_name=data["application"],
            pipeline_id=data["pipeline"],
            user=request_user(request),
            parameters=data["parameters"],
            artifacts=data["artifacts"],
            note=data["note"],
        )
        return Response(ReleaseOrderOutput(order).data, status=status.HTTP_202_ACCEPTED)


class ReleaseOrderDetailApi(APIView):
    OutputSerializer = ReleaseOrderOutput

    def get(self, request: Request, team: str, project: str, order_id: int) -> Response:
        project_obj = _project(request, team, project)
        order = release_order_list(project=project_obj).filter(pk=order_id).first()
        if order is None:
            raise NotFound(f"Release order {order_id} not found.")
        return Response(ReleaseOrderOutput(order).data)
