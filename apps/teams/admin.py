"""Admin for teams, memberships, projects and project memberships."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.teams.models import Membership, Project, ProjectMembership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "name", "time_zone", "created_at")
    search_fields = ("slug", "name")
    list_filter = ("time_zone",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("team", "user", "role", "created_at")
    list_filter = ("role", "team")
    search_fields = ("user__username", "team__slug")
    raw_id_fields = ("user",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "name", "team", "created_at")
    list_filter = ("team",)
    search_fields = ("slug", "name", "team__slug")


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("project", "user", "role", "created_at")
    list_filter = ("role", "project__team")
    search_fields = ("user__username", "project__slug")
    raw_id_fields = ("user",)
