"""Admin for runs, their queue and release orders (read-mostly: the engine owns these rows)."""

from django.contrib import admin

from apps.executions.models import (
    ConcurrencySlot,
    EngineMessage,
    Execution,
    ExecutionAudit,
    PendingExecution,
    ReleaseOrder,
    StageExecution,
)


class StageInline(admin.TabularInline):
    model = StageExecution
    fields = ("position", "ref_id", "type", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "name",
        "application",
        "status",
        "trigger_type",
        "build_time",
        "started_by",
    )
    list_filter = ("status", "trigger_type", "team")
    search_fields = ("id", "name", "pipeline_config_id", "application__name")
    readonly_fields = (
        "id",
        "team",
        "application",
        "pipeline_config_id",
        "status",
        "version",
        "build_time",
        "start_time",
        "end_time",
        "canceled",
        "parent_execution_id",
        "started_by",
        "header",
    )
    inlines = [StageInline]


@admin.register(StageExecution)
class StageExecutionAdmin(admin.ModelAdmin):
    list_display = ("id", "execution", "ref_id", "type", "status")
    list_filter = ("status", "type")
    search_fields = ("id", "execution__id", "ref_id")
    readonly_fields = ("execution", "position", "ref_id", "type", "status", "data")


@admin.register(EngineMessage)
class EngineMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "key", "due_at", "attempts", "created_at")
    search_fields = ("key",)


@admin.register(PendingExecution)
class PendingExecutionAdmin(admin.ModelAdmin):
    list_display = ("pipeline_config_id", "execution_id", "build_time")
    search_fields = ("pipeline_config_id", "execution_id")


@admin.register(ConcurrencySlot)
class ConcurrencySlotAdmin(admin.ModelAdmin):
    search_fields = ("pipeline_config_id",)


@admin.register(ReleaseOrder)
class ReleaseOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "project", "application", "pipeline_name", "created_by", "created_at")
    list_filter = ("project__team", "project")
    search_fields = ("pipeline_name", "note", "created_by__username")
    raw_id_fields = ("execution",)


@admin.register(ExecutionAudit)
class ExecutionAuditAdmin(admin.ModelAdmin):
    list_display = ("execution", "action", "username", "stage_id", "at")
    list_filter = ("action",)
    search_fields = ("execution__id", "username")
