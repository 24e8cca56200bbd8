"""URLs of the kubernetes API: the infrastructure view, its actions, and canary actions."""

from django.urls import path

from apps.core.routing import by_method
from apps.kubernetes import apis

CLUSTERS = "teams/<slug:team>/applications/<str:application>/clusters/"
WORKLOAD = CLUSTERS + "<str:account>/<str:namespace>/<str:kind>/<str:name>/"

urlpatterns = [
    path(CLUSTERS, by_method(get=apis.ClusterListApi)),
    path(WORKLOAD + "scale", by_method(post=apis.WorkloadScaleApi)),
    path(WORKLOAD + "rollback", by_method(post=apis.WorkloadRollbackApi)),
    path(WORKLOAD + "edit", by_method(post=apis.WorkloadEditApi)),
    path(WORKLOAD + "delete", by_method(post=apis.WorkloadDeleteApi)),
    path(
        "executions/<str:execution_id>/stages/<str:stage_id>/canary",
        by_method(post=apis.StageCanaryApi),
    ),
]
