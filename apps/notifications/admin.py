"""Admin views of channels (credentials never shown), deliveries and inbox messages."""

from django.contrib import admin

from apps.notifications.models import InboxMessage, NotificationChannel, NotificationDelivery


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):
    list_display = ("team", "name", "type", "language", "updated_at")
    list_filter = ("type",)
    exclude = ("credentials",)


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "team", "event", "channel_type", "target", "state", "attempts")
    list_filter = ("state", "channel_type", "event")
    exclude = ("direct_target",)


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "team", "title", "created_at", "read_at")
