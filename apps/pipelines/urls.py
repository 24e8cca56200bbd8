"""URLs of the pipelines API (action paths answer with and without a trailing slash)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, re_path

from apps.core.routing import by_method
from apps.pipelines.apis import catalog, configs, revisions, states

APPLICATION = r"^teams/(?P<team>[-a-zA-Z0-9_]+)/applications/(?P<application>[^/]+)/pipelines/"
PIPELINE = r"^pipelines/(?P<pipeline_id>[0-9a-fA-F-]{36})/"


def action(prefix: str, suffix: str, view: Any) -> URLPattern:
    return re_path(f"{prefix}{suffix}/?$", view)


urlpatterns = [
    re_path(
        f"{APPLICATION}$",
        by_method(get=configs.PipelineListApi, post=configs.PipelineCreateApi),
    ),
    action(APPLICATION, "reorder", by_method(post=configs.PipelineReorderApi)),
    re_path(
        f"{PIPELINE}$",
        by_method(
            get=configs.PipelineDetailApi,
            put=configs.PipelineUpdateApi,
            patch=configs.PipelinePatchApi,
            delete=configs.PipelineDeleteApi,
        ),
    ),
    action(PIPELINE, "undelete", by_method(post=configs.PipelineUndeleteApi)),
    action(PIPELINE, "stages/copy", by_method(post=configs.PipelineStagesCopyApi)),
    action(PIPELINE, "disable", by_method(post=states.PipelineDisableApi)),
    action(PIPELINE, "enable", by_method(post=states.PipelineEnableApi)),
    action(PIPELINE, "lock", by_method(post=states.PipelineLockApi)),
    action(PIPELINE, "unlock", by_method(post=states.PipelineUnlockApi)),
    re_path(f"{PIPELINE}revisions/$", by_method(get=revisions.RevisionListApi)),
    action(PIPELINE, "revisions/diff", by_method(get=revisions.RevisionDiffApi)),
    re_path(
        rf"{PIPELINE}revisions/(?P<revision>[0-9]+)/$",
        by_method(get=revisions.RevisionDetailApi),
    ),
    action(
        PIPELINE,
        r"revisions/(?P<revision>[0-9]+)/restore",
        by_method(post=revisions.RevisionRestoreApi),
    ),
    path("catalog/", by_method(get=catalog.CatalogApi)),
    path("catalog/stage-types/", by_method(get=catalog.StageTypeListApi)),
    path("catalog/stage-types/<str:stage_type>/", by_method(get=catalog.StageTypeDetailApi)),
    path("catalog/trigger-types/", by_method(get=catalog.TriggerTypeListApi)),
    path("catalog/notification-types/", by_method(get=catalog.NotificationTypeListApi)),
]
