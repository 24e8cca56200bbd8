"""URLs of the executions API."""

from django.urls import path

from apps.core.routing import by_method
from apps.executions import apis

E = "executions/<str:execution_id>"

urlpatterns = [
    path(
        "pipelines/<str:pipeline_id>/executions/",
        by_method(get=apis.PipelineExecutionListApi, post=apis.PipelineExecutionStartApi),
    ),
    path(
        "teams/<slug:team>/projects/<slug:project>/release-orders/",
        by_method(get=apis.ReleaseOrderListApi, post=apis.ReleaseOrderCreateApi),
    ),
    path(
        "teams/<slug:team>/projects/<slug:project>/release-orders/<int:order_id>/",
        by_method(get=apis.ReleaseOrderDetailApi),
    ),
    path(
        "teams/<slug:team>/applications/<str:application>/executions/",
        by_method(get=apis.ApplicationExecutionListApi),
    ),
    path(f"{E}/", by_method(get=apis.ExecutionDetailApi)),
    path(f"{E}/cancel", by_method(post=apis.ExecutionCancelApi)),
    path(f"{E}/pause", by_method(post=apis.ExecutionPauseApi)),
    path(f"{E}/resume", by_method(post=apis.ExecutionResumeApi)),
    path(f"{E}/evaluate", by_method(post=apis.ExecutionEvaluateApi)),
    path(f"{E}/stages/<str:stage_id>/restart", by_method(post=apis.StageRestartApi)),
    path(f"{E}/stages/<str:stage_id>/skip", by_method(post=apis.StageSkipApi)),
    path(f"{E}/stages/<str:stage_id>/skip-wait", by_method(post=apis.StageSkipWaitApi)),
    path(f"{E}/stages/<str:stage_id>/skip-window", by_method(post=apis.StageSkipWindowApi)),
    path(f"{E}/stages/<str:stage_id>/judgment", by_method(post=apis.StageJudgmentApi)),
]
