"""REST API of the infrastructure view for Tencent Cloud server groups (one class per operation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications.access import access_application_by_name
from apps.core.serializers import InputSerializer, validated
from apps.teams import access as team_access
from apps.tencentcloud import selectors, services


def _team(request: Request, slug: str) -> Any:
    return team_access.access_team_by_slug(request.user, slug)


class CapacityInput(InputSerializer):
    min = serializers.IntegerField(required=False, min_value=0, max_value=2000)
    max = serializers.IntegerField(required=False, min_value=0, max_value=2000)
    desired = serializers.IntegerField(required=False, min_value=0, max_value=2000)


class ServerGroupSummaryOutput(serializers.Serializer):
    serverGroupName = serializers.CharField()
    autoScalingGroupId = serializers.CharField(required=False)
    region = serializers.CharField(required=False)
    capacity = serializers.DictField(required=False)
    disabled = serializers.BooleanField(required=False)
    instanceCount = serializers.IntegerField(required=False)
    deleted = serializers.BooleanField(required=False)


class ServerGroupListApi(APIView):
    """The application's AS server groups across the team's Tencent Cloud accounts and regions."""

    class OutputSerializer(serializers.Serializer):
        application = serializers.CharField()
        clusters = serializers.ListField(child=serializers.DictField())
        unreachable = serializers.ListField(child=serializers.DictField())

    def get(self, request: Request, *, team: str, application: str) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application)
        return Response(selectors.server_group_list(application=app))


class ServerGroupResizeApi(APIView):
    OutputSerializer = ServerGroupSummaryOutput
    success_status = 202

    class InputSerializer(InputSerializer):
        capacity = CapacityInput(required=False)
        action = serializers.ChoiceField(
            choices=["scale_exact", "scale_up", "scale_down", "scale_to_cluster"], required=False
        )
        scalePct = serializers.FloatField(required=False, min_value=0, max_value=1000)
        scaleNum = serializers.IntegerField(required=False, min_value=0, max_value=2000)

    def post(
        self, request: Request, *, team: str, application: str, account: str, region: str, name: str
    ) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application, "operate")
        data = validated(self.InputSerializer, request.data)
        result = services.server_group_resize(
            application=app, account=account, region=region, name=name, data=data
        )
        return Response(result, status=status.HTTP_202_ACCEPTED)


class ServerGroupEnableApi(APIView):
    OutputSerializer = ServerGroupSummaryOutput

    def post(
        self, request: Request, *, team: str, application: str, account: str, region: str, name: str
    ) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application, "operate")
        return Response(
            services.server_group_enable(application=app, account=account, region=region, name=name)
        )


class ServerGroupDisableApi(APIView):
    OutputSerializer = ServerGroupSummaryOutput

    def post(
        self, request: Request, *, team: str, application: str, account: str, region: str, name: str
    ) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application, "operate")
        return Response(
            services.server_group_disable(
                application=app, account=account, region=region, name=name
            )
        )


class ServerGroupDestroyApi(APIView):
    """200 when the group is gone; 202 while its instances drain (call again to finish)."""

    OutputSerializer = ServerGroupSummaryOutput
    success_status = 202

    def post(
        self, request: Request, *, team: str, application: str, account: str, region: str, name: str
    ) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application, "operate")
        result = services.server_group_destroy(
            application=app, account=account, region=region, name=name
        )
        return Response(
            result, status=status.HTTP_200_OK if result["deleted"] else status.HTTP_202_ACCEPTED
        )


class ServerGroupRollbackApi(APIView):
    class InputSerializer(InputSerializer):
        targetHealthyRollbackPercentage = serializers.FloatField(
            required=False, min_value=0, max_value=100
        )

    class OutputSerializer(serializers.Serializer):
        restored = ServerGroupSummaryOutput()
        rolledBack = ServerGroupSummaryOutput()

    def post(
        self, request: Request, *, team: str, application: str, account: str, region: str, name: str
    ) -> Response:
        app = access_application_by_name(request.user, _team(request, team), application, "operate")
        data = validated(self.InputSerializer, request.data)
        return Response(
            services.server_group_rollback(
                application=app, account=account, region=region, name=name, data=data
            )
        )
