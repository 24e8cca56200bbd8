"""Admin for pipelines (read-mostly: writes belong to the API, which validates them)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.pipelines.models import Pipeline


@admin.register(Pipeline)
class PipelineAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "application",
        "index",
        "disabled",
        "revision",
        "last_modified_by",
        "updated_at",
        "deleted_at",
    )
    list_filter = ("disabled", "change_source", "application__team")
    search_fields = ("name", "application__name", "application__team__slug")
    readonly_fields = ("id", "revision", "update_ts", "created_at", "updated_at", "stage_types")
