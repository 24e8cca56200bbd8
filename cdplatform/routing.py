"""WebSocket URL map (live execution updates)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
