"""URL map: REST API under /api/v1/, OpenAPI schema and docs, admin, the console."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.errors import ErrorCode


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers (and the demo's webhook stage)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {
            "code": ErrorCode.NOT_FOUND,
            "message": f"No API endpoint at {request.path}.",
            "details": None,
        },
        status=404,
    )


api_v1 = [
    path("", include("apps.users.urls")),
    path("", include("apps.teams.urls")),
    path("", include("apps.applications.urls")),
    path("", include("apps.cloudaccounts.urls")),
    path("", include("apps.pipelines.urls")),
    path("", include("apps.executions.urls")),
    path("", include("apps.triggers.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.kubernetes.urls")),
    path("", include("apps.tencentcloud.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("apps.console.urls")),
]
