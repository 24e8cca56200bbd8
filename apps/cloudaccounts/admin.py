"""Admin for cloud accounts: credentials are never shown, not even encrypted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.cloudaccounts.models import CloudAccount


@admin.register(CloudAccount)
class CloudAccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "team", "provider", "kind", "status", "checked_at")
    list_filter = ("provider", "kind", "status", "team")
    search_fields = ("name", "description", "team__slug")
    exclude = ("credentials",)
    readonly_fields = ("status", "status_message", "checked_at", "created_at", "stored_secrets")

    @admin.display(description="stored secrets")
    def stored_secrets(self, obj: CloudAccount) -> str:
        return ", ".join(obj.credential_fields) or "—"
