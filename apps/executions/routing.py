"""WebSocket routes of live runs."""

from django.urls import path

from apps.executions import consumers

websocket_urlpatterns = [
    path("ws/executions/<str:execution_id>/", consumers.ExecutionConsumer.as_asgi()),
    path("ws/applications/<int:application_id>/", consumers.ApplicationConsumer.as_asgi()),
]
