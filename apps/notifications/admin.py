"""Admin views of channels (credentials never shown), deliveries and inbox messages."""

from django.contrib import admin

from apps.notifications.models import (
    ApplicationNotifications,
    InboxMessage,
    JudgmentReminder,
    NotificationChannel,
    NotificationDelivery,
    NotificationEvent,
    TeamNotificationSettings,
)


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


@admin.register(TeamNotificationSettings)
class TeamNotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("team", "language", "updated_at")
    list_filter = ("language",)


@admin.register(ApplicationNotifications)
class ApplicationNotificationsAdmin(admin.ModelAdmin):
    list_display = ("application", "updated_at")
    search_fields = ("application__name",)


@admin.register(NotificationEvent)
class NotificationEventAdmin(admin.ModelAdmin):
    list_display = ("kind", "execution_id", "stage_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("execution_id",)


@admin.register(JudgmentReminder)
class JudgmentReminderAdmin(admin.ModelAdmin):
    list_display = ("team", "execution_id", "stage_id", "every_ms", "next_at")
    search_fields = ("execution_id",)
