"""URLs of the triggers API (the receiving endpoints are a contract with senders)."""

from django.urls import path

from apps.core.routing import by_method
from apps.triggers import apis

T = "pipelines/<str:pipeline_id>/triggers/<str:trigger_id>"

urlpatterns = [
    path("webhooks/<uuid:token>", by_method(post=apis.WebhookTriggerReceiveApi)),
    path(
        "teams/<slug:team>/webhooks/webhook/<str:source>",
        by_method(post=apis.WebhookSourceReceiveApi),
    ),
    path("teams/<slug:team>/webhooks/git/<str:provider>", by_method(post=apis.GitReceiveApi)),
    path("teams/<slug:team>/webhooks/docker/<str:registry>", by_method(post=apis.DockerReceiveApi)),
    path("teams/<slug:team>/trigger-events/", by_method(get=apis.TriggerEventListApi)),
    path(
        "teams/<slug:team>/trigger-events/<str:delivery_id>/",
        by_method(get=apis.TriggerEventDetailApi),
    ),
    path(
        "teams/<slug:team>/trigger-settings/",
        by_method(get=apis.TeamTriggerSettingsApi, patch=apis.TeamTriggerSettingsUpdateApi),
    ),
    path("pipelines/<str:pipeline_id>/triggers/", by_method(get=apis.PipelineTriggerListApi)),
    path(
        f"{T}/secret",
        by_method(put=apis.TriggerSecretSetApi, delete=apis.TriggerSecretDeleteApi),
    ),
    path(f"{T}/rotate-url", by_method(post=apis.TriggerUrlRotateApi)),
]
