"""REST API for cloud accounts; credentials are write-only (one class per operation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.cloudaccounts import access, selectors, services
from apps.cloudaccounts.models import AccountKind, CloudAccount, Provider
from apps.core.apis import paginated_response
from apps.core.serializers import InputSerializer, validated
from apps.teams import access as team_access


class CloudAccountOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    settings = serializers.SerializerMethodField()
    credentialFields = serializers.SerializerMethodField()
    statusMessage = serializers.CharField(source="status_message")
    checkedAt = serializers.DateTimeField(source="checked_at")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = CloudAccount
        fields = [
            "team",
            "name",
            "description",
            "provider",
            "kind",
            "settings",
            "credentialFields",
            "status",
            "statusMessage",
            "checkedAt",
            "createdAt",
            "updatedAt",
        ]

    def get_settings(self, account: CloudAccount) -> dict[str, Any]:
        return {services.API_NAMES.get(k, k): v for k, v in account.settings.items()}

    def get_credentialFields(self, account: CloudAccount) -> list[str]:
        return sorted(services.API_NAMES.get(k, k) for k in account.credential_fields)


class _AccountFields(InputSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    # kubernetes
    kubeconfig = serializers.CharField(required=False, max_length=256 * 1024, trim_whitespace=False)
    context = serializers.CharField(  # type: ignore[assignment]  # DRF pops declared fields
        required=False, allow_blank=True, max_length=253
    )
    server = serializers.CharField(required=False, max_length=2048)
    token = serializers.CharField(required=False, max_length=16 * 1024)
    caData = serializers.CharField(source="ca_data", required=False, max_length=64 * 1024)
    insecureSkipTlsVerify = serializers.BooleanField(source="insecure", required=False)
    namespaces = serializers.ListField(
        child=serializers.CharField(max_length=63), required=False, max_length=500
    )
    # tencent
    secretId = serializers.CharField(source="secret_id", required=False, max_length=256)
    secretKey = serializers.CharField(source="secret_key", required=False, max_length=256)
    regions = serializers.ListField(
        child=serializers.RegexField(r"^[a-z]{2}-[a-z0-9-]+$", max_length=64),
        required=False,
        max_length=50,
    )
    endpoint = serializers.CharField(required=False, allow_blank=True, max_length=2048)


class CloudAccountListApi(APIView):
    OutputSerializer = CloudAccountOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        queryset = selectors.cloud_account_list(
            team=team_obj, provider=request.query_params.get("provider", "")
        )
        return paginated_response(
            request=request,
            view=self,
            ordering="name",
            queryset=queryset,
            serializer_class=CloudAccountOutput,
        )


class CloudAccountCreateApi(APIView):
    OutputSerializer = CloudAccountOutput
    success_status = 201

    class InputSerializer(_AccountFields):
        name = serializers.CharField(max_length=50)
        provider = serializers.ChoiceField(choices=Provider.choices)
        kind = serializers.ChoiceField(choices=AccountKind.choices)

    def post(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team, "manage_cloudaccounts")
        data = validated(self.InputSerializer, request.data)
        account = services.cloud_account_create(team=team_obj, **data)
        return Response(CloudAccountOutput(account).data, status=status.HTTP_201_CREATED)


def _account(request: Request, team: str, name: str, perm: str = "view") -> CloudAccount:
    team_obj = team_access.access_team_by_slug(request.user, team)
    return access.access_cloud_account_by_name(request.user, team_obj, name, perm)


class CloudAccountDetailApi(APIView):
    OutputSerializer = CloudAccountOutput

    def get(self, request: Request, team: str, name: str) -> Response:
        return Response(CloudAccountOutput(_account(request, team, name)).data)


class CloudAccountUpdateApi(APIView):
    OutputSerializer = CloudAccountOutput

    class InputSerializer(_AccountFields):
        kind = serializers.ChoiceField(choices=AccountKind.choices, required=False)

    def patch(self, request: Request, team: str, name: str) -> Response:
        account = _account(request, team, name, "change")
        data = validated(self.InputSerializer, request.data)
        return Response(
            CloudAccountOutput(services.cloud_account_update(account=account, data=data)).data
        )


class CloudAccountDeleteApi(APIView):
    def delete(self, request: Request, team: str, name: str) -> Response:
        services.cloud_account_delete(account=_account(request, team, name, "delete"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CloudAccountCheckApi(APIView):
    OutputSerializer = CloudAccountOutput

    def post(self, request: Request, team: str, name: str) -> Response:
        account = services.cloud_account_check(account=_account(request, team, name, "check"))
        return Response(CloudAccountOutput(account).data)
