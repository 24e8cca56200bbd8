"""URLs of the cloud-accounts API."""

from django.urls import path

from apps.cloudaccounts import apis
from apps.core.routing import by_method

urlpatterns = [
    path(
        "teams/<slug:team>/cloud-accounts/",
        by_method(get=apis.CloudAccountListApi, post=apis.CloudAccountCreateApi),
    ),
    path(
        "teams/<slug:team>/cloud-accounts/<slug:name>/",
        by_method(
            get=apis.CloudAccountDetailApi,
            patch=apis.CloudAccountUpdateApi,
            delete=apis.CloudAccountDeleteApi,
        ),
    ),
    path(
        "teams/<slug:team>/cloud-accounts/<slug:name>/check",
        by_method(post=apis.CloudAccountCheckApi),
    ),
]
