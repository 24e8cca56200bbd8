"""Admin views of the trigger index and the delivery log (read-mostly; secrets never shown)."""

from django.contrib import admin

from apps.triggers.models import (
    DeliveryOutcome,
    RateWindow,
    TeamTriggerSettings,
    TriggerDelivery,
    TriggerIndex,
)


@admin.register(TriggerIndex)
class TriggerIndexAdmin(admin.ModelAdmin):
    list_display = ("pipeline", "trigger_id", "type", "source", "enabled", "live", "cron_next_at")
    list_filter = ("type", "enabled", "live")
    exclude = ("secret",)
    readonly_fields = ("token",)


@admin.register(TriggerDelivery)
class TriggerDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "team", "kind", "source", "status", "received_at")
    list_filter = ("kind", "status")
    search_fields = ("id", "external_id")


@admin.register(TeamTriggerSettings)
class TeamTriggerSettingsAdmin(admin.ModelAdmin):
    list_display = ("team", "allow_unsigned", "updated_at")


@admin.register(DeliveryOutcome)
class DeliveryOutcomeAdmin(admin.ModelAdmin):
    list_display = ("delivery", "pipeline_name", "trigger_type")
    list_filter = ("trigger_type",)
    search_fields = ("pipeline_name", "trigger_id")


@admin.register(RateWindow)
class RateWindowAdmin(admin.ModelAdmin):
    list_display = ("key", "window", "count")
    search_fields = ("key",)
