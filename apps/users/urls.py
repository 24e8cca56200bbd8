"""URLs of the users API."""

from django.urls import path

from apps.core.routing import by_method
from apps.users import apis

urlpatterns = [
    path("me/", by_method(get=apis.CurrentUserApi)),
    path("tokens/", by_method(get=apis.TokenListApi, post=apis.TokenCreateApi)),
    path("tokens/<int:token_id>/", by_method(delete=apis.TokenRevokeApi)),
]
