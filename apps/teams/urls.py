"""URLs of the teams API."""

from django.urls import path

from apps.core.routing import by_method
from apps.teams import apis

urlpatterns = [
    path("teams/", by_method(get=apis.TeamListApi, post=apis.TeamCreateApi)),
    path(
        "teams/<slug:team>/",
        by_method(get=apis.TeamDetailApi, patch=apis.TeamUpdateApi, delete=apis.TeamDeleteApi),
    ),
    path(
        "teams/<slug:team>/members/",
        by_method(get=apis.TeamMemberListApi, post=apis.TeamMemberAddApi),
    ),
    path(
        "teams/<slug:team>/members/<str:username>/",
        by_method(patch=apis.TeamMemberUpdateApi, delete=apis.TeamMemberRemoveApi),
    ),
    path(
        "teams/<slug:team>/projects/",
        by_method(get=apis.ProjectListApi, post=apis.ProjectCreateApi),
    ),
    path(
        "teams/<slug:team>/projects/<slug:project>/",
        by_method(
            get=apis.ProjectDetailApi, patch=apis.ProjectUpdateApi, delete=apis.ProjectDeleteApi
        ),
    ),
    path(
        "teams/<slug:team>/projects/<slug:project>/members/",
        by_method(get=apis.ProjectMemberListApi, post=apis.ProjectMemberAddApi),
    ),
    path(
        "teams/<slug:team>/projects/<slug:project>/members/<str:username>/",
        by_method(patch=apis.ProjectMemberUpdateApi, delete=apis.ProjectMemberRemoveApi),
    ),
]
