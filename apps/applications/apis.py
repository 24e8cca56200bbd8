"""REST API for applications (one class per operation)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications import access, selectors, services
from apps.applications.models import Application
from apps.core.apis import paginated_response
from apps.core.serializers import InputSerializer, validated
from apps.teams import access as team_access


class ApplicationOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    projects = serializers.SerializerMethodField()
    enableRestartRunningExecutions = serializers.BooleanField(
        source="enable_restart_running_executions"
    )
    enableRerunActiveExecutions = serializers.BooleanField(source="enable_rerun_active_executions")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Application
        fields = [
            "team",
            "name",
            "description",
            "projects",
            "enableRestartRunningExecutions",
            "enableRerunActiveExecutions",
            "createdAt",
            "updatedAt",
        ]

    def get_projects(self, application: Application) -> list[str]:
        return sorted(project.slug for project in application.projects.all())


class _ApplicationFields(InputSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    projects = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=500
    )
    enableRestartRunningExecutions = serializers.BooleanField(
        source="enable_restart_running_executions", required=False
    )
    enableRerunActiveExecutions = serializers.BooleanField(
        source="enable_rerun_active_executions", required=False
    )


class ApplicationListApi(APIView):
    OutputSerializer = ApplicationOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        queryset = selectors.application_list(
            user=request.user, team=team_obj, search=request.query_params.get("q", "")
        )
        return paginated_response(
            request=request,
            view=self,
            ordering="name",
            queryset=queryset,
            serializer_class=ApplicationOutput,
        )


class ApplicationCreateApi(APIView):
    OutputSerializer = ApplicationOutput
    success_status = 201

    class InputSerializer(_ApplicationFields):
        name = serializers.CharField(max_length=63)

    def post(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team, "manage_applications")
        data = validated(self.InputSerializer, request.data)
        application = services.application_create(team=team_obj, **data)
        return Response(ApplicationOutput(application).data, status=status.HTTP_201_CREATED)


def _application(request: Request, team: str, name: str, perm: str = "view") -> Application:
    team_obj = team_access.access_team_by_slug(request.user, team)
    return access.access_application_by_name(request.user, team_obj, name, perm)


class ApplicationDetailApi(APIView):
    OutputSerializer = ApplicationOutput

    def get(self, request: Request, team: str, application: str) -> Response:
        return Response(ApplicationOutput(_application(request, team, application)).data)


class ApplicationUpdateApi(APIView):
    OutputSerializer = ApplicationOutput

    InputSerializer = _ApplicationFields

    def patch(self, request: Request, team: str, application: str) -> Response:
        app = _application(request, team, application, "change")
        data = validated(self.InputSerializer, request.data)
        return Response(
            ApplicationOutput(services.application_update(application=app, data=data)).data
        )


class ApplicationDeleteApi(APIView):
    def delete(self, request: Request, team: str, application: str) -> Response:
        services.application_delete(application=_application(request, team, application, "delete"))
        return Response(status=status.HTTP_204_NO_CONTENT)
