"""Release orders: a project member asks to run one of the project's pipelines."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.applications.models import Application
from apps.core.errors import ValidationFailed
from apps.executions.models import ReleaseOrder
from apps.executions.services.launch import pipeline_start
from apps.pipelines.selectors import pipeline_get
from apps.teams.models import Project
from apps.users.models import User


@transaction.atomic
def release_order_create(
    *,
    project: Project,
    application_name: str,
    pipeline_id: Any,
    user: User,
    parameters: dict[str, Any] | None = None,
    artifacts: list[dict[str, Any]] | None = None,
    note: str = "",
) -> ReleaseOrder:
    application = Application.objects.filter(
        team=project.team, name=application_name, projects=project
    ).first()
    if application is None:
        raise ValidationFailed(
            [
                {
                    "pointer": "/application",
                    "message": f"Application {application_name!r} is not bound to project "
                    f"{project.slug!r}.",
                }
            ]
        )
    pipeline = pipeline_get(pipeline_id=pipeline_id)
    if pipeline is None or pipeline.application_id != application.pk:
        raise ValidationFailed(
            [
                {
                    "pointer": "/pipeline",
                    "message": f"No pipeline {pipeline_id!s} in application {application_name!r}.",
                }
            ]
        )
    order = ReleaseOrder.objects.create(
        team=project.team,
        project=project,
        application=application,
        pipeline_config_id=str(pipeline.pk),
        pipeline_name=pipeline.name,
        parameters=parameters or {},
        artifacts=artifacts or [],
        note=note,
        created_by=user,
    )
    trigger = {
        "type": "manual",
        "user": user.username,
        "releaseOrderId": order.pk,
        "project": project.slug,
        "note": note,
    }
    order.execution = pipeline_start(
        pipeline_id=pipeline.pk,
        user=user,
        trigger=trigger,
        parameters=parameters,
        artifacts=artifacts,
        project=project,
    )
    order.save(update_fields=["execution"])
    return order
