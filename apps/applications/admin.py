"""Admin for applications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.applications.models import Application


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "team",
        "enable_restart_running_executions",
        "enable_rerun_active_executions",
        "updated_at",
    )
    list_filter = ("team", "enable_restart_running_executions")
    search_fields = ("name", "description", "team__slug")
    filter_horizontal = ("projects",)
