"""ASGI entry point served by daphne: HTTP to Django, WebSockets to Channels consumers."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdplatform.settings")

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver  # noqa: E402

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

# What is loaded by now lives as long as the process. Every view is imported here rather than
# on the first request, then all of it is frozen out of the collector's full passes: a
# warmed-up server tracks about 250,000 objects and a full collection paused a request for
# 150-200 ms in `python -m bench console` (about 40 ms once frozen).
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
