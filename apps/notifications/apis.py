"""REST API of notifications: channels (URLs and secrets write-only), application rules, the
team's language, the delivery log, and the user's inbox (one class per operation)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications.access import access_application_by_name
from apps.core.apis import paginated_response
from apps.core.serializers import InputSerializer, validated
from apps.notifications import access, selectors, services
from apps.notifications.models import (
    ChannelType,
    InboxMessage,
    Language,
    NotificationChannel,
    NotificationDelivery,
)
from apps.teams import access as team_access
from apps.users.selectors import request_user

# ------------------------------------------------------------------ channels


class ChannelOutput(serializers.ModelSerializer):
    urlHost = serializers.CharField(source="url_host")
    hasSecret = serializers.BooleanField(source="has_secret")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = NotificationChannel
        fields = [
            "name",
            "type",
            "description",
            "language",
            "addresses",
            "urlHost",
            "hasSecret",
            "createdAt",
            "updatedAt",
        ]


class _ChannelFields(InputSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    language = serializers.ChoiceField(choices=[*Language.values, ""], required=False)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2048)
    secret = serializers.CharField(required=False, allow_blank=True, max_length=512)
    addresses = serializers.ListField(
        child=serializers.CharField(max_length=254), required=False, max_length=100
    )


class ChannelListApi(APIView):
    OutputSerializer = ChannelOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.channel_list(team=team_obj),
            serializer_class=ChannelOutput,
            ordering="name",
        )


class ChannelCreateApi(APIView):
    OutputSerializer = ChannelOutput
    success_status = 201

    class InputSerializer(_ChannelFields):
        name = serializers.CharField(max_length=50)
        type = serializers.ChoiceField(choices=ChannelType.values)

    def post(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team, "manage_pipelines")
        data = validated(self.InputSerializer, request.data)
        channel = services.channel_create(team=team_obj, **data)
        return Response(ChannelOutput(channel).data, status=status.HTTP_201_CREATED)


def _channel(request: Request, team: str, name: str, perm: str = "view") -> NotificationChannel:
    team_obj = team_access.access_team_by_slug(request.user, team)
    return access.access_channel_by_name(request.user, team_obj, name, perm)


class ChannelDetailApi(APIView):
    OutputSerializer = ChannelOutput

    def get(self, request: Request, team: str, name: str) -> Response:
        return Response(ChannelOutput(_channel(request, team, name)).data)


class ChannelUpdateApi(APIView):
    OutputSerializer = ChannelOutput
    InputSerializer = _ChannelFields

    def patch(self, request: Request, team: str, name: str) -> Response:
        channel = _channel(request, team, name, "manage")
        data = validated(self.InputSerializer, request.data)
        return Response(ChannelOutput(services.channel_update(channel=channel, **data)).data)


class ChannelDeleteApi(APIView):
    def delete(self, request: Request, team: str, name: str) -> Response:
        services.channel_delete(channel=_channel(request, team, name, "manage"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChannelTestApi(APIView):
    """Queues a test message; its delivery shows whether the robot accepted it."""

    success_status = 202

    class OutputSerializer(serializers.Serializer):
        deliveryId = serializers.IntegerField(source="pk")
        state = serializers.CharField()

    def post(self, request: Request, team: str, name: str) -> Response:
        delivery = services.channel_test(channel=_channel(request, team, name, "manage"))
        return Response(self.OutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


# ------------------------------------------------------------------ application rules


class RulesOutput(serializers.Serializer):
    rules = serializers.ListField(child=serializers.DictField())


class ApplicationNotificationsApi(APIView):
    OutputSerializer = RulesOutput

    def get(self, request: Request, team: str, application: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        app = access_application_by_name(request.user, team_obj, application)
        return Response({"rules": selectors.application_rules(application=app)})


class ApplicationNotificationsSetApi(APIView):
    OutputSerializer = RulesOutput

    class InputSerializer(InputSerializer):
        rules = serializers.ListField(child=serializers.JSONField(), max_length=100)

    def put(self, request: Request, team: str, application: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        app = access_application_by_name(request.user, team_obj, application, "change")
        data = validated(self.InputSerializer, request.data)
        config = services.application_notifications_set(application=app, rules=data["rules"])
        return Response({"rules": config.rules})


# ------------------------------------------------------------------ team language


class LanguageOutput(serializers.Serializer):
    language = serializers.CharField()


class NotificationSettingsApi(APIView):
    OutputSerializer = LanguageOutput

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        return Response({"language": selectors.notification_language(team=team_obj)})


class NotificationSettingsUpdateApi(APIView):
    OutputSerializer = LanguageOutput

    class InputSerializer(InputSerializer):
        language = serializers.ChoiceField(choices=Language.values)

    def patch(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team, "change_team")
        data = validated(self.InputSerializer, request.data)
        settings = services.team_language_set(team=team_obj, language=data["language"])
        return Response({"language": settings.language})


# ------------------------------------------------------------------ delivery log


class DeliveryOutput(serializers.ModelSerializer):
    application = serializers.SerializerMethodField()
    executionId = serializers.CharField(source="execution_id")
    stageId = serializers.CharField(source="stage_id")
    channelType = serializers.CharField(source="channel_type")
    channel = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    lastError = serializers.CharField(source="last_error")
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at")
    createdAt = serializers.DateTimeField(source="created_at")
    sentAt = serializers.DateTimeField(source="sent_at")

    class Meta:
        model = NotificationDelivery
        fields = [
            "id",
            "event",
            "origin",
            "application",
            "executionId",
            "stageId",
            "channelType",
            "channel",
            "target",
            "title",
            "state",
            "attempts",
            "lastError",
            "nextAttemptAt",
            "createdAt",
            "sentAt",
        ]

    def get_application(self, delivery: NotificationDelivery) -> str | None:
        return delivery.application.name if delivery.application is not None else None

    def get_channel(self, delivery: NotificationDelivery) -> str | None:
        return delivery.channel.name if delivery.channel is not None else None

    def get_title(self, delivery: NotificationDelivery) -> str:
        return str(delivery.message.get("title") or "")


class NotificationDeliveryListApi(APIView):
    OutputSerializer = DeliveryOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = team_access.access_team_by_slug(request.user, team)
        filters = {
            name: request.query_params.get(name, "")
            for name in ("state", "application", "execution")
        }
        queryset = selectors.delivery_list(user=request.user, team=team_obj, **filters)
        return paginated_response(
            request=request, view=self, queryset=queryset, serializer_class=DeliveryOutput
        )


# ------------------------------------------------------------------ inbox


class InboxOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    executionId = serializers.CharField(source="execution_id")
    createdAt = serializers.DateTimeField(source="created_at")
    readAt = serializers.DateTimeField(source="read_at")

    class Meta:
        model = InboxMessage
        fields = [
            "id",
            "team",
            "event",
            "title",
            "body",
            "link",
            "executionId",
            "createdAt",
            "readAt",
        ]


class InboxListApi(APIView):
    OutputSerializer = InboxOutput
    paginated = True

    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.inbox_list(user=request.user, unread=unread),
            serializer_class=InboxOutput,
        )


class InboxReadApi(APIView):
    OutputSerializer = InboxOutput

    def post(self, request: Request, message_id: int) -> Response:
        message = access.access_inbox_message(request.user, message_id)
        return Response(InboxOutput(services.inbox_message_read(message=message)).data)


class InboxReadAllApi(APIView):
    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    def post(self, request: Request) -> Response:
        return Response({"marked": services.inbox_read_all(user=request_user(request))})
