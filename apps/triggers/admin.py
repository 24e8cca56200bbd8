"""Admin views of the trigger index and the delivery log (read-mostly; secrets never shown)."""

from django.contrib import admin

from apps.triggers.models import TeamTriggerSettings, TriggerDelivery, TriggerIndex


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
