"""REST API of triggers: the receiving endpoints (no API token: verified per trigger), the
delivery log, the team's trigger settings, and a pipeline's triggers (URLs and secrets)."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.apis import paginated_response
from apps.core.parsers import read_limited
from apps.core.serializers import InputSerializer, validated
from apps.pipelines.access import access_pipeline_by_id
from apps.teams import access as team_access
from apps.triggers import access, selectors, services
from apps.triggers.models import DeliveryOutcome, TeamTriggerSettings, TriggerDelivery, TriggerIndex

# ------------------------------------------------------------------ receiving


class ReceptionOutput(serializers.Serializer):
    deliveryId = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    executions = serializers.ListField(child=serializers.CharField())
    triggers = serializers.ListField(child=serializers.DictField())
    duplicateOf = serializers.CharField(required=False)


def _headers(request: Request) -> dict[str, str]:
    return {key.lower(): value for key, value in request.headers.items()}


def _declared_length(request: Request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return None


class _Receiver(APIView):
    """Unauthenticated by API token: each candidate trigger verifies the sender itself."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []
    success_status = 202
    OutputSerializer = ReceptionOutput

    def receive(self, request: Request, **route: Any) -> Response:
        now = timezone.now()
        wait = services.rate_limit_hit(url=request.path, now=now)
        if wait is not None:
            body = {
                "code": "throttled",
                "message": f"Too many deliveries to this URL; retry in {wait} s.",
                "details": None,
            }
            return Response(body, status=429, headers={"Retry-After": str(wait)})
        received = services.Received(
            headers=_headers(request),
            body=read_limited(request._request, _declared_length(request)),
            remote_addr=str(request.META.get("REMOTE_ADDR") or ""),
            **route,
        )
        reception = services.delivery_receive(received=received, now=now)
        return Response(reception.body, status=reception.status_code)


class WebhookTriggerReceiveApi(_Receiver):
    def post(self, request: Request, token: Any) -> Response:
        return self.receive(request, kind="trigger", token=token)


class WebhookSourceReceiveApi(_Receiver):
    def post(self, request: Request, team: str, source: str) -> Response:
        return self.receive(request, kind="webhook", team=team, source=source)


class GitReceiveApi(_Receiver):
    def post(self, request: Request, team: str, provider: str) -> Response:
        return self.receive(request, kind="git", team=team, source=provider)


class DockerReceiveApi(_Receiver):
    def post(self, request: Request, team: str, registry: str) -> Response:
        return self.receive(request, kind="docker", team=team, source=registry)


# ------------------------------------------------------------------ delivery log


class OutcomeOutput(serializers.ModelSerializer):
    pipelineId = serializers.UUIDField(source="pipeline_id")
    pipeline = serializers.CharField(source="pipeline_name")
    application = serializers.SerializerMethodField()
    triggerId = serializers.CharField(source="trigger_id")
    triggerType = serializers.CharField(source="trigger_type")
    executionId = serializers.CharField(source="execution_id")

    class Meta:
        model = DeliveryOutcome
        fields = [
            "pipelineId",
            "pipeline",
            "application",
            "triggerId",
            "triggerType",
            "result",
            "reason",
            "executionId",
        ]

    def get_application(self, outcome: DeliveryOutcome) -> str | None:
        return outcome.application.name if outcome.application is not None else None


class TriggerEventOutput(serializers.ModelSerializer):
    eventType = serializers.CharField(source="event_type")
    externalId = serializers.CharField(source="external_id")
    duplicateOf = serializers.CharField(source="duplicate_of_id")
    receivedAt = serializers.DateTimeField(source="received_at")
    processedAt = serializers.DateTimeField(source="processed_at")
    triggers = serializers.SerializerMethodField()

    class Meta:
        model = TriggerDelivery
        fields = [
            "id",
            "kind",
            "source",
            "eventType",
            "externalId",
            "status",
            "reason",
            "verified",
            "verification",
            "summary",
            "duplicateOf",
            "receivedAt",
            "processedAt",
            "triggers",
        ]

    def get_triggers(self, delivery: TriggerDelivery) -> list[dict[str, Any]]:
        readable = self.context.get("readable")
        outcomes = [
            outcome
            for outcome in delivery.outcomes.all()
            if readable is None or outcome.application_id in readable
        ]
        return list(OutcomeOutput(outcomes, many=True).data)


class TriggerEventDetailOutput(TriggerEventOutput):
    payloadSize = serializers.IntegerField(source="payload_size")
    remoteAddr = serializers.CharField(source="remote_addr")

    class Meta(TriggerEventOutput.Meta):
        fields = [
            *TriggerEventOutput.Meta.fields,
            "headers",
            "payload",
            "payloadSize",
            "remoteAddr",
        ]


class TriggerEventListApi(APIView):
    OutputSerializer = TriggerEventOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        filters = {
            name: request.query_params.get(name, "")
            for name in ("pipeline", "application", "source", "status", "kind")
        }
        queryset = selectors.trigger_event_list(user=request.user, team=team_obj, **filters)
        readable = access.readable_application_ids(request.user, team_obj)
        return paginated_response(
            request=request,
            view=self,
            queryset=queryset,
            serializer_class=TriggerEventOutput,
            ordering="-id",
            context={"request": request, "readable": readable},
        )


class TriggerEventDetailApi(APIView):
    OutputSerializer = TriggerEventDetailOutput

    def get(self, request: Request, team: str, delivery_id: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        delivery = access.access_delivery_by_id(request.user, team_obj, delivery_id)
        readable = access.readable_application_ids(request.user, team_obj)
        return Response(TriggerEventDetailOutput(delivery, context={"readable": readable}).data)


# ------------------------------------------------------------------ team settings


class TriggerSettingsOutput(serializers.ModelSerializer):
    allowUnsigned = serializers.BooleanField(source="allow_unsigned")

    class Meta:
        model = TeamTriggerSettings
        fields = ["allowUnsigned"]


class TeamTriggerSettingsApi(APIView):
    OutputSerializer = TriggerSettingsOutput

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        settings = services.team_trigger_settings_get(team=team_obj)
        return Response(TriggerSettingsOutput(settings).data)


class TeamTriggerSettingsUpdateApi(APIView):
    OutputSerializer = TriggerSettingsOutput

    class InputSerializer(InputSerializer):
        allowUnsigned = serializers.BooleanField(source="allow_unsigned")

    def patch(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team, "change_team")
        data = validated(self.InputSerializer, request.data)
        settings = services.team_trigger_settings_update(team=team_obj, **data)
        return Response(TriggerSettingsOutput(settings).data)


# ------------------------------------------------------------------ a pipeline's triggers


class TriggerOutput(serializers.ModelSerializer):
    id = serializers.CharField(source="trigger_id")
    pipelineDisabled = serializers.BooleanField(source="pipeline_disabled")
    webhookUrl = serializers.SerializerMethodField()
    hasSecret = serializers.BooleanField(source="has_secret")
    secretInConfig = serializers.SerializerMethodField()
    nextFireAt = serializers.DateTimeField(source="cron_next_at")
    lastTickAt = serializers.DateTimeField(source="cron_last_tick_at")

    class Meta:
        model = TriggerIndex
        fields = [
            "id",
            "type",
            "enabled",
            "pipelineDisabled",
            "source",
            "webhookUrl",
            "hasSecret",
            "secretInConfig",
            "nextFireAt",
            "lastTickAt",
        ]

    def get_webhookUrl(self, row: TriggerIndex) -> str | None:
        if row.type != "webhook":
            return None
        return selectors.webhook_url(row, base=self.context.get("base", ""))

    def get_secretInConfig(self, row: TriggerIndex) -> bool:
        return bool(row.config.get("secret"))


def _base(request: Request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class TriggerListOutput(serializers.Serializer):
    results = TriggerOutput(many=True)


class PipelineTriggerListApi(APIView):
    OutputSerializer = TriggerListOutput

    def get(self, request: Request, pipeline_id: str) -> Response:
        pipeline = access_pipeline_by_id(request.user, pipeline_id)
        rows = selectors.trigger_list_for_pipeline(pipeline=pipeline)
        data = TriggerOutput(rows, many=True, context={"base": _base(request)}).data
        return Response({"results": data})


class TriggerSecretSetApi(APIView):
    """Sets the trigger's secret, or generates one (shown in this answer only)."""

    class InputSerializer(InputSerializer):
        secret = serializers.CharField(required=False, min_length=8, max_length=512)

    class OutputSerializer(serializers.Serializer):
        hasSecret = serializers.BooleanField()
        secret = serializers.CharField(required=False)

    def put(self, request: Request, pipeline_id: str, trigger_id: str) -> Response:
        row = access.access_trigger_by_id(request.user, pipeline_id, trigger_id, "manage_pipelines")
        data = validated(self.InputSerializer, request.data)
        secret = data.get("secret") or secrets.token_urlsafe(32)
        services.trigger_secret_set(row=row, secret=secret)
        body: dict[str, Any] = {"hasSecret": True}
        if "secret" not in data:
            body["secret"] = secret
        return Response(body)


class TriggerSecretDeleteApi(APIView):
    def delete(self, request: Request, pipeline_id: str, trigger_id: str) -> Response:
        row = access.access_trigger_by_id(request.user, pipeline_id, trigger_id, "manage_pipelines")
        services.trigger_secret_set(row=row, secret=None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TriggerUrlRotateApi(APIView):
    OutputSerializer = TriggerOutput

    def post(self, request: Request, pipeline_id: str, trigger_id: str) -> Response:
        row = access.access_trigger_by_id(request.user, pipeline_id, trigger_id, "manage_pipelines")
        row = services.trigger_token_rotate(row=row)
        return Response(TriggerOutput(row, context={"base": _base(request)}).data)
