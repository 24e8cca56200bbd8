"""WebSocket URL map (live execution updates)."""

from apps.executions.routing import websocket_urlpatterns as execution_routes

websocket_urlpatterns = [*execution_routes]
