"""WebSocket endpoints for live runs: a snapshot on connect, then every engine event."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.applications.access import can_read_application
from apps.applications.models import Application
from apps.core.errors import NotFound
from apps.executions import access, selectors
from apps.executions.adapters.events import application_group, execution_group
from apps.executions.apis import ExecutionSummaryOutput
from apps.executions.models import Execution

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404  # missing and forbidden look the same
SNAPSHOT_RUNS = 50


class _LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        group = await database_sync_to_async(self.authorize)(user)
        if group is None:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        # Join before reading the snapshot: nothing that happens in between is missed.
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "snapshot", **await database_sync_to_async(self.snapshot)()})

    async def refuse(self, code: int) -> None:
        # Accept, then close with a code: clients learn why (a bare 403 handshake says less).
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a thread hop) before every handler;
        # relaying an event touches no database, and that hop would be most of its latency.
        if message.get("type") == "engine.event":
            await self.engine_event(message)
            return
        await super().dispatch(message)

    async def engine_event(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])

    def authorize(self, user: Any) -> str | None:
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        raise NotImplementedError


class ExecutionConsumer(_LiveConsumer):
    """`/ws/executions/<id>/`: the execution document, then its events."""

    def authorize(self, user: Any) -> str | None:
        execution_id = self.scope["url_route"]["kwargs"]["execution_id"]
        try:
            self.execution: Execution = access.access_execution_by_id(user, execution_id)
        except NotFound:
            return None
        return execution_group(execution_id)

    def snapshot(self) -> dict[str, Any]:
        return {"execution": selectors.execution_document(self.execution)}


class ApplicationConsumer(_LiveConsumer):
    """`/ws/applications/<id>/`: the application's newest runs, then events of all its runs."""

    def authorize(self, user: Any) -> str | None:
        application_id = self.scope["url_route"]["kwargs"]["application_id"]
        application = Application.objects.select_related("team").filter(pk=application_id).first()
        if application is None or not can_read_application(user, application):
            return None
        self.application = application
        return application_group(application.pk)

    def snapshot(self) -> dict[str, Any]:
        runs = selectors.execution_list(
            executions=Execution.objects.filter(application=self.application)
        ).order_by("-build_time")[:SNAPSHOT_RUNS]
        return {
            "application": self.application.name,
            "executions": ExecutionSummaryOutput(runs, many=True).data,
        }
