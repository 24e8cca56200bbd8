"""One API call from raw HTTP pieces to the JSON reply: authenticate, route, inject, dispatch."""

from __future__ import annotations

import json
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sandbox.tencentcloud import signing
from sandbox.tencentcloud.actions import ActionContext, Service
from sandbox.tencentcloud.clock import Clock
from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.faults import FaultInjector
from sandbox.tencentcloud.params import Params, unflatten
from sandbox.tencentcloud.simulation import run_until, settle
from sandbox.tencentcloud.world import World

# Exactly this: the SDK only looks for `Response.Error` when the type matches it verbatim.
JSON = "application/json"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # names lower-case
    body: bytes


@dataclass(frozen=True)
class HttpResponse:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class CallRecord:
    """One call as the sandbox saw it, for tests that assert what a client did."""

    request_id: str
    service: str | None
    action: str | None
    region: str | None
    params: dict[str, Any]
    error_code: str | None
    response: dict[str, Any]  # the `Response` object sent back


@dataclass
class _Call:
    """What is known about a call so far, for the log."""

    request_id: str
    service: str | None = None
    action: str | None = None
    region: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class _RawFailure(Exception):
    """An injected non-JSON HTTP failure."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Gateway:
    def __init__(
        self,
        *,
        world: World,
        clock: Clock,
        services: Mapping[str, Service],
        accounts: Mapping[str, str],
        faults: FaultInjector,
        wall_clock: Callable[[], float],
        signature_window_seconds: int = signing.DEFAULT_WINDOW_SECONDS,
        log_size: int = 1000,
    ) -> None:
        self.world = world
        self.clock = clock
        self.services = dict(services)
        # Shared with the owner, who may add accounts while serving.
        self.accounts = accounts
        self.faults = faults
        # Signatures are checked against real time even when the simulation's clock is pinned.
        self.wall_clock = wall_clock
        self.signature_window_seconds = signature_window_seconds
        self.calls: deque[CallRecord] = deque(maxlen=log_size)

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        call = _Call(request_id)
        try:
            fields = self._serve(request, call)
        except _RawFailure as failure:
            self._log(call, {}, f"HTTP {failure.status}")
            return HttpResponse(failure.status, "text/plain", f"HTTP {failure.status}".encode())
        except ApiError as error:
            fields = {"Error": {"Code": error.code, "Message": error.message}}
            self._log(call, fields, error.code)
        else:
            self._log(call, fields, None)
        body = {"Response": {**fields, "RequestId": request_id}}
        return HttpResponse(200, JSON, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def _serve(self, request: HttpRequest, call: _Call) -> dict[str, Any]:
        if request.method not in ("GET", "POST"):
            raise ApiError("InvalidRequest", f"The HTTP method {request.method} is not supported.")
        auth = signing.verify(
            signing.SignedRequest(
                request.method, request.path, request.query, request.headers, request.body
            ),
            secret_for=self.accounts.get,
            now=self.wall_clock(),
            window_seconds=self.signature_window_seconds,
        )
        service, call.action = self._route(auth.service, request.headers)
        call.service = service.name
        call.region = request.headers.get("x-tc-region")
        call.params = self._params(request)
        fault = self.faults.take(service.name, call.action)
        if fault is not None:
            if isinstance(fault.error, int):
                raise _RawFailure(fault.error)
            raise ApiError(fault.error, fault.message)
        handler = service.actions[call.action]
        with self.world.lock:
            run_until(self.world, self.clock.now())
            ctx = ActionContext(self.world, self.world.region(call.region), call.request_id)
            reader = Params(call.params, lenient=request.method == "GET")
            result = handler(ctx, reader)
            reader.finish()
            settle(self.world)
        return result

    def _route(self, service_name: str, headers: Mapping[str, str]) -> tuple[Service, str]:
        service = self.services.get(service_name)
        if service is None:
            raise ApiError("NoSuchProduct", f"The product `{service_name}` is not simulated here.")
        version = headers.get("x-tc-version")
        if not version:
            raise ApiError(
                "MissingParameter", "The request is missing a required parameter `Version`."
            )
        if version != service.version:
            raise ApiError(
                "NoSuchVersion", f"The API version `{version}` of `{service.name}` does not exist."
            )
        action = headers.get("x-tc-action")
        if not action:
            raise ApiError(
                "MissingParameter", "The request is missing a required parameter `Action`."
            )
        if action not in service.actions:
            raise ApiError(
                "InvalidAction", f"The action `{action}` of `{service.name}` does not exist."
            )
        return service, action

    @staticmethod
    def _params(request: HttpRequest) -> dict[str, Any]:
        if request.method == "GET":
            return unflatten(parse_qsl(request.query, keep_blank_values=True))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise ApiError(
                "InvalidParameter", f"The content type `{content_type}` is not supported."
            )
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError("InvalidParameter", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ApiError("InvalidParameter", "The request body must be a JSON object.")
        return body

    def _log(self, call: _Call, response: dict[str, Any], error_code: str | None) -> None:
        self.calls.append(
            CallRecord(
                request_id=call.request_id,
                service=call.service,
                action=call.action,
                region=call.region,
                params=call.params,
                error_code=error_code,
                response=response,
            )
        )
