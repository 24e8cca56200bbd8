"""URLs of the notifications API."""

from django.urls import path

from apps.core.routing import by_method
from apps.notifications import apis

C = "teams/<slug:team>/notification-channels"

urlpatterns = [
    path(f"{C}/", by_method(get=apis.ChannelListApi, post=apis.ChannelCreateApi)),
    path(
        f"{C}/<str:name>/",
        by_method(
            get=apis.ChannelDetailApi, patch=apis.ChannelUpdateApi, delete=apis.ChannelDeleteApi
        ),
    ),
    path(f"{C}/<str:name>/test", by_method(post=apis.ChannelTestApi)),
    path(
        "teams/<slug:team>/applications/<str:application>/notifications/",
        by_method(get=apis.ApplicationNotificationsApi, put=apis.ApplicationNotificationsSetApi),
    ),
    path(
        "teams/<slug:team>/notification-settings/",
        by_method(get=apis.NotificationSettingsApi, patch=apis.NotificationSettingsUpdateApi),
    ),
    path(
        "teams/<slug:team>/notification-deliveries/",
        by_method(get=apis.NotificationDeliveryListApi),
    ),
    path("inbox/", by_method(get=apis.InboxListApi)),
    path("inbox/<int:message_id>/read", by_method(post=apis.InboxReadApi)),
    path("inbox/read-all", by_method(post=apis.InboxReadAllApi)),
]
