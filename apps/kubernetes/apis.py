"""REST API of the infrastructure view and of canary actions (one class per operation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications.access import access_application_by_name
from apps.core.serializers import InputSerializer, validated
from apps.executions import access as execution_access
from apps.kubernetes import selectors, services
from apps.teams.access import access_team_by_slug
from apps.users.selectors import request_user

# Infrastructure writes are operations on running software, like cancelling a run: they need
# the team permission `operate_executions` (team owners and admins).
WRITE_PERMISSION = "operate"


class ClusterListOutput(serializers.Serializer):
    application = serializers.CharField()
    accounts = serializers.ListField(child=serializers.DictField())
    clusters = serializers.ListField(child=serializers.DictField())


class ActionOutput(serializers.Serializer):
    result = serializers.DictField()


def _application(request: Request, team: str, application: str, perm: str = "view") -> Any:
    return access_application_by_name(
        request.user, access_team_by_slug(request.user, team), application, perm
    )


class ClusterListApi(APIView):
    OutputSerializer = ClusterListOutput

    def get(self, request: Request, team: str, application: str) -> Response:
        app = _application(request, team, application)
        return Response(selectors.application_clusters(application=app))


class _WorkloadAction(APIView):
    OutputSerializer = ActionOutput
    success_status = 202

    def done(self, result: dict[str, Any]) -> Response:
        return Response({"result": result}, status=status.HTTP_202_ACCEPTED)


class WorkloadScaleApi(_WorkloadAction):
    class InputSerializer(InputSerializer):
        replicas = serializers.IntegerField(min_value=0, max_value=10_000)

    def post(self, request: Request, team: str, application: str, **where: Any) -> Response:
        app = _application(request, team, application, WRITE_PERMISSION)
        data = validated(self.InputSerializer, request.data)
        return self.done(services.workload_scale(application=app, **where, **data))


class WorkloadRollbackApi(_WorkloadAction):
    class InputSerializer(InputSerializer):
        revisions = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)
        toRevision = serializers.IntegerField(min_value=1, required=False, source="to_revision")

    def post(self, request: Request, team: str, application: str, **where: Any) -> Response:
        app = _application(request, team, application, WRITE_PERMISSION)
        data = validated(self.InputSerializer, request.data)
        return self.done(services.workload_rollback(application=app, **where, **data))


class WorkloadEditApi(_WorkloadAction):
    class InputSerializer(InputSerializer):
        manifest = serializers.DictField()

    def post(self, request: Request, team: str, application: str, **where: Any) -> Response:
        app = _application(request, team, application, WRITE_PERMISSION)
        data = validated(self.InputSerializer, request.data)
        return self.done(services.workload_edit(application=app, **where, **data))


class WorkloadDeleteApi(_WorkloadAction):
    class InputSerializer(InputSerializer):
        cascading = serializers.BooleanField(required=False, default=True)
        gracePeriodSeconds = serializers.IntegerField(
            min_value=0, required=False, source="grace_period_seconds"
        )

    def post(self, request: Request, team: str, application: str, **where: Any) -> Response:
        app = _application(request, team, application, WRITE_PERMISSION)
        data = validated(self.InputSerializer, request.data)
        return self.done(services.workload_delete(application=app, **where, **data))


class StageCanaryApi(APIView):
    api_scope = "execute"
    success_status = 202

    class InputSerializer(InputSerializer):
        action = serializers.ChoiceField(choices=["continue", "promote", "abort"])

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        status = serializers.CharField()

    def post(self, request: Request, execution_id: str, stage_id: str) -> Response:
        execution = execution_access.access_execution_by_id(
            request.user, execution_id, execution_access.OPERATE
        )
        data = validated(self.InputSerializer, request.data)
        services.stage_canary_action(
            execution=execution, stage_id=stage_id, user=request_user(request), **data
        )
        execution.refresh_from_db()
        return Response(
            {"id": execution.pk, "status": execution.status}, status=status.HTTP_202_ACCEPTED
        )
