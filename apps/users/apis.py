"""REST API for the current user and their API tokens (one class per operation)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.apis import paginated_response
from apps.core.serializers import InputSerializer, validated
from apps.users import selectors, services
from apps.users.models import ApiToken, TokenScope


class TokenOutput(serializers.ModelSerializer):
    keyPrefix = serializers.CharField(source="key_prefix")
    createdAt = serializers.DateTimeField(source="created_at")
    expiresAt = serializers.DateTimeField(source="expires_at")
    lastUsedAt = serializers.DateTimeField(source="last_used_at")
    revokedAt = serializers.DateTimeField(source="revoked_at")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "scopes",
            "keyPrefix",
            "createdAt",
            "expiresAt",
            "lastUsedAt",
            "revokedAt",
        ]


class CurrentUserApi(APIView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        displayName = serializers.CharField(source="label")
        email = serializers.EmailField()

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)


class TokenListApi(APIView):
    OutputSerializer = TokenOutput
    paginated = True

    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.token_list(user=selectors.request_user(request)),
            serializer_class=TokenOutput,
        )


class TokenCreateApi(APIView):
    success_status = 201

    class InputSerializer(InputSerializer):
        name = serializers.CharField(max_length=100)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=TokenScope.choices),
            required=False,
            allow_empty=False,
            max_length=10,
        )
        expiresDays = serializers.IntegerField(
            source="expires_days", required=False, min_value=1, max_value=3650
        )

    class OutputSerializer(TokenOutput):
        key = serializers.SerializerMethodField()

        class Meta(TokenOutput.Meta):
            fields = [*TokenOutput.Meta.fields, "key"]

        def get_key(self, token: ApiToken) -> str:
            return self.context["key"]

    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        issued = services.token_create(user=selectors.request_user(request), **data)
        body = self.OutputSerializer(issued.token, context={"key": issued.key}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenRevokeApi(APIView):
    def delete(self, request: Request, token_id: int) -> Response:
        services.token_revoke(user=selectors.request_user(request), token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
