"""Read models of the console's list pages that no app selector offers yet, one query each.

Each function replaces what would otherwise be a query per row (pipeline counts and last
runs per application card, the newest runs of every pipeline in a list, pending judgments).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import RowNumber

from apps.applications.access import applications_for_user
from apps.applications.models import Application
from apps.executions import access as execution_access
from apps.executions import selectors as execution_selectors
from apps.executions.models import Execution, ReleaseOrder, StageExecution
from apps.pipelines.models import Pipeline
from apps.teams import access as team_access
from apps.teams.models import Project, ProjectMembership, Team
from apps.teams.roles import PROJECT_ROLE_PERMISSIONS

ACTIVE = ("RUNNING", "PAUSED", "SUSPENDED", "NOT_STARTED", "BUFFERED")


def application_cards(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Applications with their live pipeline count and their newest run (id, status, time)."""
    newest = Execution.objects.filter(application=OuterRef("pk")).order_by("-build_time", "-id")
    return applications.annotate(
        pipeline_count=Count(
            "pipelines", filter=Q(pipelines__deleted_at__isnull=True), distinct=True
        ),
        last_execution_id=Subquery(newest.values("id")[:1]),
        last_status=Subquery(newest.values("status")[:1]),
        last_build_time=Subquery(newest.values("build_time")[:1]),
    )


def with_triggers(pipelines: QuerySet[Pipeline]) -> QuerySet[Pipeline]:
    """Pipelines with their `triggers` list read out of the config (not the whole config)."""
    return pipelines.annotate(trigger_list=KeyTransform("triggers", "config"))


def recent_runs(pipelines: Sequence[Pipeline], per_pipeline: int = 5) -> dict[str, list[Any]]:
    """The newest `per_pipeline` runs of each pipeline, newest first.

    The ranking reads the (application, pipeline, time, id) index alone, so a pipeline with
    thousands of runs costs what one with five does; only the runs kept are read in full.
    """
    if not pipelines:
        return {}
    newest = (
        Execution.objects.filter(
            application_id__in={pipeline.application_id for pipeline in pipelines},
            pipeline_config_id__in=[str(pipeline.pk) for pipeline in pipelines],
        )
        .order_by()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("pipeline_config_id")],
                order_by=[F("build_time").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=per_pipeline)
        .values("pk")
    )
    runs: dict[str, list[Any]] = defaultdict(list)
    for row in (
        Execution.objects.filter(pk__in=newest)
        .order_by("-build_time", "-id")
        .values("id", "pipeline_config_id", "status", "build_time", "trigger_type")
    ):
        runs[row["pipeline_config_id"]].append(row)
    return runs


def pipeline_search(*, user: Any, team: Team, search: str = "", limit: int = 30) -> list[Pipeline]:
    """Live pipelines of every application the user reads in the team (copy sources)."""
    pipelines = Pipeline.objects.filter(
        application__in=applications_for_user(user, team), deleted_at__isnull=True
    )
    if search:
        pipelines = pipelines.filter(
            Q(name__icontains=search) | Q(application__name__icontains=search)
        )
    return list(
        pipelines.select_related("application")
        .only("id", "name", "index", "application__name", "application__team_id")
        .order_by("application__name", "index", "name")[:limit]
    )


def pipeline_names(ids: Iterable[str]) -> dict[str, str]:
    """Names of pipelines by id (deleted ones included), for run lists."""
    wanted = list({str(each) for each in ids if each})
    if not wanted:
        return {}
    return {
        str(pk): name
        for pk, name in Pipeline.objects.filter(pk__in=wanted).values_list("pk", "name")
    }


def run_page(
    executions: QuerySet[Execution],
    *,
    statuses: list[str],
    trigger_types: list[str],
    before: str = "",
    size: int = 25,
) -> tuple[list[Execution], str]:
    """One page of runs, newest first, and the cursor of the next page ('' at the end)."""
    runs = execution_selectors.execution_list(
        executions=executions, statuses=statuses, trigger_types=trigger_types
    ).order_by("-build_time", "-id")
    if before:
        moment, _, last_id = before.partition(":")
        if moment.isdigit():
            runs = runs.filter(
                Q(build_time__lt=int(moment)) | Q(build_time=int(moment), id__lt=last_id)
            )
    page = list(runs[: size + 1])
    cursor = ""
    if len(page) > size:
        page = page[:size]
        cursor = f"{page[-1].build_time}:{page[-1].pk}"
    return page, cursor


def trigger_types_of(executions: QuerySet[Execution]) -> list[str]:
    return sorted(
        each
        for each in executions.order_by().values_list("trigger_type", flat=True).distinct()
        if each
    )


def judgments_awaiting(*, user: Any, team: Team, limit: int = 100) -> list[dict[str, Any]]:
    """Running manual judgments of the team's runs that `user` may decide, oldest first."""
    stages = (
        StageExecution.objects.filter(
            execution__team=team,
            execution__status__in=ACTIVE,
            type="manualJudgment",
            status="RUNNING",
        )
        .select_related("execution__application__team", "execution__team")
        .annotate(judged=KT("data__context__judgmentStatus"))
        .order_by("execution__build_time")[:limit]
    )
    pending = [stage for stage in stages if not stage.judged]
    readable = set(
        applications_for_user(user, team)
        .filter(pk__in={stage.execution.application_id for stage in pending})
        .values_list("pk", flat=True)
    )
    pending = [stage for stage in pending if stage.execution.application_id in readable]
    may_judge = execution_access.judge_checker(user, (stage.execution for stage in pending))
    waiting = []
    for stage in pending:
        context = (stage.data or {}).get("context") or {}
        if may_judge(stage.execution, context):
            waiting.append({"stage": stage, "execution": stage.execution, "context": context})
    return waiting


def release_orders_by(*, user: Any, team: Team, limit: int = 20) -> list[ReleaseOrder]:
    """The user's newest release orders in the team (their creator may always read them)."""
    return list(
        ReleaseOrder.objects.filter(team=team, created_by=user)
        .select_related("project", "application", "execution")
        .order_by("-id")[:limit]
    )


def project_memberships(projects: Sequence[Project]) -> dict[int, list[ProjectMembership]]:
    """Members of several projects at once (the settings page lists every project)."""
    found: dict[int, list[ProjectMembership]] = {project.pk: [] for project in projects}
    for membership in (
        ProjectMembership.objects.filter(project__in=list(projects))
        .select_related("user")
        .order_by("user__username")
    ):
        found[membership.project_id].append(membership)
    return found


def project_permission(*, user: Any, team: Team, codename: str) -> Callable[[Project], bool]:
    """A project-permission check for many projects at once (one query, not two per project).

    Same answer as `has_project_perm`: team managers hold every project permission, others
    hold their project role's permissions (apps.teams.roles).
    """
    if team_access.has_team_perm(user, team, "manage_projects"):
        return lambda project: True
    roles = team_access.project_roles_of(user, team)
    return lambda project: (
        codename in PROJECT_ROLE_PERMISSIONS.get(roles.get(project.pk, ""), set())
    )
