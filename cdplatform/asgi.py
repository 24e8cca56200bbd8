"""ASGI entry point served by daphne: HTTP to Django, WebSockets to Channels consumers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdplatform.settings")

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.users.websocket import TokenOrSessionAuthMiddleware  # noqa: E402
from cdplatform.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The middleware checks Origin itself: browsers must match ALLOWED_HOSTS, while
        # token clients (scripts) send no Origin at all.
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
