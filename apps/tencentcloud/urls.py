"""URLs of the Tencent Cloud infrastructure view (server groups of an application)."""

from django.urls import path

from apps.tencentcloud import apis

_LIST = "teams/<slug:team>/applications/<str:application>/server-groups/"
_GROUP = _LIST + "<slug:account>/<str:region>/<str:name>"

urlpatterns = [
    path(
        "teams/<slug:team>/applications/<str:application>/server-groups/",
        apis.ServerGroupListApi.as_view(),
    ),
    path(f"{_GROUP}/resize", apis.ServerGroupResizeApi.as_view()),
    path(f"{_GROUP}/enable", apis.ServerGroupEnableApi.as_view()),
    path(f"{_GROUP}/disable", apis.ServerGroupDisableApi.as_view()),
    path(f"{_GROUP}/destroy", apis.ServerGroupDestroyApi.as_view()),
    path(f"{_GROUP}/rollback", apis.ServerGroupRollbackApi.as_view()),
]
