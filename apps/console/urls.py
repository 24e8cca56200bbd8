"""Console URLs: log in, then everything of a team under /t/<team>/."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.console.views import (
    accounts,
    editor,
    executions,
    home,
    infrastructure,
    pipeline_settings,
    pipelines,
    projects,
    team_settings,
    triggers,
    workbench,
)

app_name = "console"

APP = "applications/<str:application>/"
PIPELINE = "pipelines/<uuid:pipeline_id>/"
RUN = "executions/<str:execution_id>/"
PROJECT = "projects/<slug:project>/"

team_urls = [
    path("", home.team_home, name="team-home"),
    path("applications/new", home.application_create, name="application-create"),
    # applications: pipelines, runs, infrastructure
    path(APP + "pipelines/", pipelines.pipeline_list, name="pipelines"),
    path(APP + "pipelines/new", pipelines.pipeline_create, name="pipeline-create"),
    path(APP + "pipelines/reorder", pipelines.pipeline_reorder, name="pipeline-reorder"),
    path(APP + "executions/", executions.application_runs, name="application-runs"),
    path(APP + "infrastructure/", infrastructure.infrastructure, name="infrastructure"),
    path(
        APP + "infrastructure/workload",
        infrastructure.workload_action,
        name="workload-action",
    ),
    path(
        APP + "infrastructure/server-group",
        infrastructure.server_group_action,
        name="server-group-action",
    ),
    path("pipeline-search", pipelines.pipeline_search, name="pipeline-search"),
    path("catalog.json", editor.catalog, name="catalog"),
    # one pipeline: editor, settings, revisions, runs
    path(PIPELINE, editor.pipeline_editor, name="pipeline"),
    path(PIPELINE + "document", editor.pipeline_document, name="pipeline-document"),
    path(PIPELINE + "validate", editor.pipeline_validate, name="pipeline-validate"),
    path(PIPELINE + "stages/copy", editor.pipeline_stages_copy, name="pipeline-stages-copy"),
    path(PIPELINE + "delete", pipeline_settings.pipeline_delete, name="pipeline-delete"),
    path(PIPELINE + "undelete", pipeline_settings.pipeline_undelete, name="pipeline-undelete"),
    path(PIPELINE + "disable", pipeline_settings.pipeline_disable, name="pipeline-disable"),
    path(PIPELINE + "enable", pipeline_settings.pipeline_enable, name="pipeline-enable"),
    path(PIPELINE + "lock", pipeline_settings.pipeline_lock, name="pipeline-lock"),
    path(PIPELINE + "unlock", pipeline_settings.pipeline_unlock, name="pipeline-unlock"),
    path(PIPELINE + "revisions/", pipeline_settings.revision_list, name="revisions"),
    path(PIPELINE + "revisions/diff", pipeline_settings.revision_diff, name="revision-diff"),
    path(
        PIPELINE + "revisions/<int:revision>/restore",
        pipeline_settings.revision_restore,
        name="revision-restore",
    ),
    path(PIPELINE + "triggers/", triggers.trigger_list, name="pipeline-triggers"),
    path(PIPELINE + "triggers/action", triggers.trigger_action, name="pipeline-trigger-action"),
    path(PIPELINE + "executions/", executions.pipeline_runs, name="pipeline-runs"),
    path(PIPELINE + "run", executions.run_dialog, name="pipeline-run"),
    # one run
    path(RUN, executions.execution_detail, name="execution"),
    path(RUN + "data", executions.execution_data, name="execution-data"),
    path(RUN + "source", executions.execution_source, name="execution-source"),
    path(RUN + "evaluate", executions.execution_evaluate, name="execution-evaluate"),
    path(RUN + "<str:action>", executions.execution_action, name="execution-action"),
    path(
        RUN + "stages/<str:stage_id>/<str:action>",
        executions.stage_action,
        name="stage-action",
    ),
    # projects and release orders
    path("projects/", projects.project_list, name="projects"),
    path(PROJECT, projects.project_detail, name="project"),
    path(PROJECT + "release-orders/new", projects.release_order_new, name="release-order-new"),
    path(
        PROJECT + "release-orders/pipelines",
        projects.release_order_pipelines,
        name="release-order-pipelines",
    ),
    path(
        PROJECT + "release-orders/parameters",
        projects.release_order_parameters,
        name="release-order-parameters",
    ),
    path(
        PROJECT + "release-orders/<int:order_id>/",
        projects.release_order_detail,
        name="release-order",
    ),
    path("workbench/", workbench.workbench, name="workbench"),
    # cloud accounts
    path("cloud-accounts/", accounts.account_list, name="cloud-accounts"),
    path("cloud-accounts/new", accounts.account_create, name="cloud-account-create"),
    path("cloud-accounts/<slug:name>/edit", accounts.account_edit, name="cloud-account-edit"),
    path("cloud-accounts/<slug:name>/check", accounts.account_check, name="cloud-account-check"),
    path("cloud-accounts/<slug:name>/delete", accounts.account_delete, name="cloud-account-delete"),
    # team settings
    path("settings/", team_settings.settings_page, name="settings"),
    path("settings/members", team_settings.member_action, name="settings-members"),
    path("settings/projects", team_settings.project_action, name="settings-projects"),
    path("settings/tokens", team_settings.token_action, name="settings-tokens"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("t/<slug:team>/", include(team_urls)),
]
