"""URLs of the applications API."""

from django.urls import path

from apps.applications import apis
from apps.core.routing import by_method

urlpatterns = [
    path(
        "teams/<slug:team>/applications/",
        by_method(get=apis.ApplicationListApi, post=apis.ApplicationCreateApi),
    ),
    path(
        "teams/<slug:team>/applications/<str:application>/",
        by_method(
            get=apis.ApplicationDetailApi,
            patch=apis.ApplicationUpdateApi,
            delete=apis.ApplicationDeleteApi,
        ),
    ),
]
