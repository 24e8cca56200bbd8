"""The HTTP front: routing Kubernetes REST paths to registry verbs, watch streams and pod logs."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import yaml

from sandbox.kubernetes import discovery, kinds, openapi, protobuf
from sandbox.kubernetes.clock import rfc3339
from sandbox.kubernetes.errors import ApiError, method_not_allowed, not_found
from sandbox.kubernetes.kinds import ResourceType
from sandbox.kubernetes.registry import APPLY_PATCH, PATCH_TYPES, WriteOptions
from sandbox.kubernetes.selectors import parse_field_selector, parse_label_selector
from sandbox.kubernetes.store import Obj, WatchEvent

if TYPE_CHECKING:
    from sandbox.kubernetes.cluster import SandboxCluster

JSON = "application/json"
MAX_BODY = 16 * 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Any
    body: bytes

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("true", "1")

    def integer(self, name: str) -> int | None:
        value = self.query.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError as exc:
            raise ApiError(400, f"invalid value for {name}: {value!r}") from exc


@dataclass
class Response:
    code: int
    body: bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


Stream = Callable[["ApiHandler"], None]


def _json(code: int, obj: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(code, json.dumps(obj, separators=(",", ":")).encode(), JSON, headers or {})


def _strip_type(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


class Api:
    """Request dispatch, independent of the HTTP plumbing."""

    def __init__(self, cluster: SandboxCluster) -> None:
        self.cluster = cluster
        self.registry = cluster.registry
        self.store = cluster.store

    # entry -------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response | Stream:
        rule = self.cluster.faults.match(req.method, req.path)
        if rule is not None:
            if rule.delay:
                time.sleep(rule.delay)
            error = self.cluster.faults.error(rule)
            if error is not None:
                raise error
        parts = [p for p in req.path.split("/") if p]
        if req.path in ("/healthz", "/livez", "/readyz"):
            return Response(200, b"ok", "text/plain; charset=utf-8")
        if req.path == "/version":
            return _json(200, discovery.VERSION_INFO)
        user = self._authenticate(req)
        if parts[:1] == ["openapi"]:
            return self._openapi(req, parts)
        if parts[:1] == ["api"]:
            if len(parts) == 1:
                if self._wants_aggregated(req):
                    return Response(200, discovery.aggregated(True), discovery.AGGREGATED_V2)
                return _json(200, discovery.api_versions(self.cluster.server_address))
            if parts[1] != "v1":
                raise not_found("", "", req.path)
            if len(parts) == 2:
                return _json(200, discovery.resource_list("v1"))
            return self._resource(req, "", "v1", parts[2:], user)
        if parts[:1] == ["apis"]:
            if len(parts) == 1:
                if self._wants_aggregated(req):
                    return Response(200, discovery.aggregated(False), discovery.AGGREGATED_V2)
                return _json(200, discovery.api_group_list())
            if len(parts) == 2:
                group = discovery.api_group(parts[1])
                if group is None:
                    raise _page_not_found()
                return _json(200, group)
            if len(parts) == 3:
                listing = discovery.resource_list(f"{parts[1]}/{parts[2]}")
                if listing is None:
                    raise _page_not_found()
                return _json(200, listing)
            return self._resource(req, parts[1], parts[2], parts[3:], user)
        raise _page_not_found()

    @staticmethod
    def _wants_aggregated(req: Request) -> bool:
        accept = req.headers.get("Accept", "") or ""
        return "as=APIGroupDiscoveryList" in accept and "v=v2;" in accept.replace(" ", "") + ";"

    def _authenticate(self, req: Request) -> str:
        auth = self.cluster.auth
        if auth.token is None:
            return "system:admin"
        header = req.headers.get("Authorization", "") or ""
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if token and token in auth.forbidden:
            return f"forbidden:{token}"
        if token != auth.token:
            raise ApiError(401, "Unauthorized", reason="Unauthorized")
        return "system:admin"

    def _openapi(self, req: Request, parts: list[str]) -> Response:
        accept = req.headers.get("Accept", "") or ""
        if accept and "json" not in accept and "*/*" not in accept:
            raise ApiError(406, "only application/json is served", reason="NotAcceptable")
        if parts == ["openapi", "v2"]:
            return Response(200, openapi.v2_document())
        if parts == ["openapi", "v3"]:
            return Response(200, openapi.v3_index())
        if parts[:2] == ["openapi", "v3"]:
            doc = openapi.v3_document("/".join(parts[2:]))
            if doc is not None:
                return Response(200, doc, headers={"Cache-Control": "public, immutable"})
        raise _page_not_found()

    # resources ---------------------------------------------------------------------------

    def _resource(
        self, req: Request, group: str, version: str, rest: list[str], user: str
    ) -> Response | Stream:
        watch = False
        if rest[:1] == ["watch"]:
            watch = True
            rest = rest[1:]
        namespace: str | None = None
        namespace_itself = not group and (
            len(rest) == 2 or (len(rest) == 3 and rest[2] in ("status", "finalize"))
        )
        if rest[:1] == ["namespaces"] and len(rest) >= 3 and not namespace_itself:
            namespace = rest[1]
            rest = rest[2:]
        if not rest or len(rest) > 3:
            raise _page_not_found()
        rtype = kinds.lookup(group, version, rest[0])
        if rtype is None:
            raise _page_not_found()
        if namespace is not None and not rtype.namespaced:
            raise _page_not_found()
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if sub is not None and sub not in rtype.subresources:
            raise _page_not_found()
        verb = self._verb(req, name, watch)
        if verb not in rtype.verbs and sub is None:
            raise method_not_allowed()
        if user.startswith("forbidden:"):
            raise _forbidden(user, verb, rtype, namespace, name)
        if rtype.namespaced and namespace is None and name is not None:
            raise _page_not_found()
        ns = namespace or ""
        if name is None:
            return self._collection(req, rtype, namespace, verb)
        if sub == "log":
            if req.method != "GET":
                raise method_not_allowed()
            return self._log(req, ns, name)
        if sub == "scale":
            return self._scale(req, rtype, ns, name)
        return self._item(req, rtype, ns, name, sub)

    @staticmethod
    def _verb(req: Request, name: str | None, watch: bool) -> str:
        if req.method == "GET":
            if watch or req.flag("watch"):
                return "watch"
            return "get" if name else "list"
        if req.method == "POST":
            return "create"
        if req.method == "PUT":
            return "update"
        if req.method == "PATCH":
            return "patch"
        if req.method == "DELETE":
            return "delete" if name else "deletecollection"
        raise method_not_allowed()

    def _options(self, req: Request, *, default_manager: str = "") -> WriteOptions:
        dry = req.query.get("dryRun", "")
        if dry and dry != "All":
            raise ApiError(400, f"unsupported dryRun value: {dry!r}")
        manager = req.query.get("fieldManager") or default_manager
        validation = req.query.get("fieldValidation", "Warn") or "Warn"
        if validation not in ("Ignore", "Warn", "Strict"):
            raise ApiError(400, f"invalid fieldValidation directive: {validation}")
        return WriteOptions(
            manager=manager,
            dry_run=dry == "All",
            strict=validation == "Strict",
            force=req.flag("force"),
        )

    @staticmethod
    def _default_manager(req: Request) -> str:
        agent = req.headers.get("User-Agent", "") or "unknown"
        return agent.split("/", 1)[0][:128]

    def _body(self, req: Request, *, yaml_ok: bool = False) -> Any:
        if not req.body:
            raise ApiError(400, "the body of the request was empty")
        ctype = (req.headers.get("Content-Type", "") or "").split(";", 1)[0].strip()
        if ctype == protobuf.PROTOBUF:
            return protobuf.decode(req.body)
        try:
            if yaml_ok or "yaml" in ctype:
                return yaml.safe_load(req.body)
            return json.loads(req.body)
        except (ValueError, yaml.YAMLError) as exc:
            raise ApiError(400, f"the request body is not valid: {exc}") from exc

    @staticmethod
    def _with_warnings(resp: Response, warnings: list[str]) -> Response:
        if warnings:
            resp.headers["Warning"] = ", ".join(
                '299 - "' + w.replace('"', '\\"') + '"' for w in warnings
            )
        return resp

    def _collection(
        self, req: Request, rtype: ResourceType, namespace: str | None, verb: str
    ) -> Response | Stream:
        if verb == "list":
            items, rv, token, remaining = self.registry.list(
                rtype,
                namespace,
                label_selector=req.query.get("labelSelector"),
                field_selector=req.query.get("fieldSelector"),
                limit=req.integer("limit") or 0,
                continue_token=req.query.get("continue"),
            )
            meta: dict[str, Any] = {"resourceVersion": rv}
            if token:
                meta["continue"] = token
                meta["remainingItemCount"] = remaining
            return _json(
                200,
                {
                    "kind": rtype.list_kind,
                    "apiVersion": rtype.api_version,
                    "metadata": meta,
                    "items": [_strip_type(o) for o in items],
                },
            )
        if verb == "watch":
            return self._watch(req, rtype, namespace)
        if verb == "create":
            if namespace is None and rtype.namespaced:
                raise _page_not_found()
            opts = self._options(req, default_manager=self._default_manager(req))
            obj = self.registry.create(rtype, namespace or "", self._body(req), opts)
            return self._with_warnings(_json(201, obj), opts.warnings)
        if verb == "deletecollection":
            options = self._delete_options(req)
            result = self.registry.delete_collection(
                rtype,
                namespace,
                label_selector=req.query.get("labelSelector"),
                field_selector=req.query.get("fieldSelector"),
                options=options,
                dry_run=req.query.get("dryRun") == "All",
            )
            return _json(200, result)
        raise method_not_allowed()

    def _delete_options(self, req: Request) -> Obj:
        options: Obj = {}
        if req.body:
            try:
                parsed = json.loads(req.body)
            except ValueError as exc:
                raise ApiError(400, f"invalid DeleteOptions: {exc}") from exc
            if isinstance(parsed, dict):
                options.update(parsed)
        if "gracePeriodSeconds" in req.query:
            options["gracePeriodSeconds"] = req.integer("gracePeriodSeconds")
        if "propagationPolicy" in req.query:
            options["propagationPolicy"] = req.query["propagationPolicy"]
        if "orphanDependents" in req.query:
            options["orphanDependents"] = req.flag("orphanDependents")
        return options

    def _item(
        self, req: Request, rtype: ResourceType, namespace: str, name: str, sub: str | None
    ) -> Response:
        if req.method == "GET":
            return _json(200, self.registry.get(rtype, namespace, name))
        if req.method == "PUT":
            if sub == "finalize":
                sub = None
            opts = self._options(req, default_manager=self._default_manager(req))
            obj = self.registry.update(
                rtype, namespace, name, self._body(req), opts, subresource=sub
            )
            return self._with_warnings(_json(200, obj), opts.warnings)
        if req.method == "PATCH":
            ctype = (req.headers.get("Content-Type", "") or "").split(";", 1)[0].strip()
            if ctype not in PATCH_TYPES:
                raise ApiError(
                    415,
                    f"the body of the request was in an unknown format - accepted media types "
                    f"include: {', '.join(PATCH_TYPES)}",
                    reason="UnsupportedMediaType",
                )
            default = "" if ctype == APPLY_PATCH else self._default_manager(req)
            opts = self._options(req, default_manager=default)
            obj, created = self.registry.patch(
                rtype,
                namespace,
                name,
                ctype,
                self._body(req, yaml_ok=ctype == APPLY_PATCH),
                opts=opts,
                subresource=sub,
            )
            return self._with_warnings(_json(201 if created else 200, obj), opts.warnings)
        if req.method == "DELETE":
            if sub is not None:
                raise method_not_allowed()
            warnings: list[str] = []
            code, body = self.registry.delete(
                rtype,
                namespace,
                name,
                self._delete_options(req),
                dry_run=req.query.get("dryRun") == "All",
                warnings=warnings,
            )
            return self._with_warnings(_json(code, body), warnings)
        raise method_not_allowed()

    def _scale(self, req: Request, rtype: ResourceType, namespace: str, name: str) -> Response:
        if req.method == "GET":
            return _json(
                200, self.registry.scale_of(rtype, self.registry.get(rtype, namespace, name))
            )
        opts = self._options(req, default_manager=self._default_manager(req))
        if req.method == "PUT":
            scale = self.registry.update_scale(
                rtype, namespace, name, body=self._body(req), opts=opts
            )
            return _json(200, scale)
        if req.method == "PATCH":
            ctype = (req.headers.get("Content-Type", "") or "").split(";", 1)[0].strip()
            body = self._body(req, yaml_ok=ctype == APPLY_PATCH)
            scale = self.registry.update_scale(
                rtype, namespace, name, patch_type=ctype, patch=body, opts=opts
            )
            return _json(200, scale)
        raise method_not_allowed()

    # logs --------------------------------------------------------------------------------

    def _log(self, req: Request, namespace: str, name: str) -> Response | Stream:
        pod = self.registry.get(kinds.PODS, namespace, name)
        containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        inits = [c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []]
        container = req.query.get("container")
        if not container:
            if len(containers) != 1:
                raise ApiError(
                    400,
                    f"a container name must be specified for pod {name}, choose one of: "
                    f"[{' '.join(str(c) for c in containers)}]",
                )
            container = str(containers[0])
        if container not in containers + inits:
            raise ApiError(400, f"container {container} is not valid for pod {name}")
        for status in (pod.get("status") or {}).get("containerStatuses") or []:
            if status.get("name") == container:
                waiting = (status.get("state") or {}).get("waiting")
                if (
                    waiting
                    and not status.get("lastState")
                    and waiting.get("reason")
                    in (
                        "ContainerCreating",
                        "ErrImagePull",
                        "ImagePullBackOff",
                    )
                ):
                    why = (
                        "trying and failing to pull image"
                        if waiting["reason"] != "ContainerCreating"
                        else "ContainerCreating"
                    )
                    raise ApiError(
                        400, f'container "{container}" in pod "{name}" is waiting to start: {why}'
                    )
        if not (pod.get("spec") or {}).get("nodeName"):
            raise ApiError(
                400,
                f'container "{container}" in pod "{name}" is waiting to start: ContainerCreating',
            )
        previous = req.flag("previous")
        tail = req.integer("tailLines")
        timestamps = req.flag("timestamps")
        limit_bytes = req.integer("limitBytes")

        def render(lines: list[tuple[float, str]]) -> bytes:
            out = []
            for when, text in lines:
                prefix = (
                    rfc3339(when).replace("Z", f".{int((when % 1) * 1e9):09d}Z ")
                    if timestamps
                    else ""
                )
                out.append(f"{prefix}{text}\n")
            return "".join(out).encode()

        lines = self.cluster.pod_logs(pod, container, previous=previous)
        if tail is not None and tail >= 0:
            lines = lines[-tail:] if tail else []
        if not req.flag("follow"):
            data = render(lines)
            if limit_bytes:
                data = data[:limit_bytes]
            return Response(200, data, "text/plain")
        return self._follow(pod, container, lines, render)

    def _follow(
        self,
        pod: Obj,
        container: str,
        initial: list[tuple[float, str]],
        render: Callable[[list[tuple[float, str]]], bytes],
    ) -> Stream:
        namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]

        def stream(handler: ApiHandler) -> None:
            handler.begin_stream(200, "text/plain")
            sent = len(self.cluster.pod_logs(pod, container))
            handler.write_chunk(render(initial))
            deadline = time.monotonic() + 3600
            while time.monotonic() < deadline and not self.store.closed:
                current = self.store.get(kinds.PODS.key, namespace, name)
                if current is None or current["metadata"]["uid"] != pod["metadata"]["uid"]:
                    break
                lines = self.cluster.pod_logs(current, container)
                if len(lines) > sent:
                    handler.write_chunk(render(lines[sent:]))
                    sent = len(lines)
                finished = any(
                    s.get("name") == container and (s.get("state") or {}).get("terminated")
                    for s in (current.get("status") or {}).get("containerStatuses") or []
                )
                if finished:
                    break
                time.sleep(0.05)
            handler.end_stream()

        return stream

    # watch -------------------------------------------------------------------------------

    def _watch(self, req: Request, rtype: ResourceType, namespace: str | None) -> Stream:
        labels_match = parse_label_selector(req.query.get("labelSelector"))
        fields_match = parse_field_selector(req.query.get("fieldSelector"))
        ns_filter = namespace if rtype.namespaced else None

        def matches(obj: Obj) -> bool:
            return labels_match(obj["metadata"].get("labels") or {}) and fields_match(obj)

        timeout = req.integer("timeoutSeconds")
        bookmarks = req.flag("allowWatchBookmarks")
        send_initial = req.flag("sendInitialEvents")
        rv_param = req.query.get("resourceVersion", "")
        store = self.store
        with store.lock:
            current = [o for o in store.list(rtype.key, ns_filter) if matches(o)]
            if rv_param in ("", "0") or send_initial:
                initial = sorted(current, key=lambda o: int(o["metadata"]["resourceVersion"]))
                last_rv = store.rv
            else:
                try:
                    last_rv = int(rv_param)
                except ValueError as exc:
                    raise ApiError(400, f"invalid resourceVersion {rv_param!r}") from exc
                initial = []
                store.events_after(last_rv)  # 410 Gone before the stream starts
            visible = {o["metadata"]["uid"] for o in current}

        def event_line(kind: str, obj: Obj) -> bytes:
            return json.dumps({"type": kind, "object": obj}, separators=(",", ":")).encode() + b"\n"

        def stream(handler: ApiHandler) -> None:
            nonlocal last_rv
            handler.begin_stream(200, JSON)
            for obj in initial:
                handler.write_chunk(event_line("ADDED", obj))
            if send_initial and bookmarks:
                handler.write_chunk(self._bookmark(rtype, last_rv, initial_end=True))
            deadline = time.monotonic() + (timeout if timeout is not None else 1800)
            next_bookmark = time.monotonic() + 10
            while not store.closed:
                now = time.monotonic()
                if now >= deadline:
                    break
                with store.lock:
                    try:
                        events = store.events_after(last_rv)
                    except ApiError as exc:
                        handler.write_chunk(event_line("ERROR", exc.status()))
                        break
                    if not events:
                        store.changed.wait(min(deadline - now, 1.0))
                        continue
                    last_rv = events[-1].rv
                out = []
                for event in events:
                    line = self._translate(event, rtype, ns_filter, matches, visible)
                    if line is not None:
                        out.append(event_line(*line))
                if out:
                    handler.write_chunk(b"".join(out))
                if bookmarks and time.monotonic() >= next_bookmark:
                    handler.write_chunk(self._bookmark(rtype, last_rv))
                    next_bookmark = time.monotonic() + 10
            handler.end_stream()

        return stream

    @staticmethod
    def _translate(
        event: WatchEvent,
        rtype: ResourceType,
        namespace: str | None,
        matches: Callable[[Obj], bool],
        visible: set[str],
    ) -> tuple[str, Obj] | None:
        if event.rkey != rtype.key or (namespace is not None and event.namespace != namespace):
            return None
        uid = event.obj["metadata"]["uid"]
        if event.type == "DELETED":
            if uid in visible or matches(event.obj):
                visible.discard(uid)
                return "DELETED", event.obj
            return None
        if matches(event.obj):
            kind = "MODIFIED" if uid in visible else "ADDED"
            visible.add(uid)
            return kind, event.obj
        if uid in visible:
            visible.discard(uid)
            return "DELETED", event.obj
        return None

    @staticmethod
    def _bookmark(rtype: ResourceType, rv: int, *, initial_end: bool = False) -> bytes:
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        obj = {"kind": rtype.kind, "apiVersion": rtype.api_version, "metadata": meta}
        return (
            json.dumps({"type": "BOOKMARK", "object": obj}, separators=(",", ":")).encode() + b"\n"
        )


def _page_not_found() -> ApiError:
    return ApiError(404, "the server could not find the requested resource", details={})


def _forbidden(
    user: str, verb: str, rtype: ResourceType, namespace: str | None, name: str | None
) -> ApiError:
    who = "system:serviceaccount:sandbox:" + user.split(":", 1)[1][:8]
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    subject = f'{rtype.plural} "{name}"' if name else rtype.plural
    return ApiError(
        403,
        f'{subject} is forbidden: User "{who}" cannot {verb} resource "{rtype.plural}" in API '
        f'group "{rtype.group}"{where}',
        reason="Forbidden",
        details={"name": name or "", "group": rtype.group, "kind": rtype.plural},
    )


class ApiHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; streams (watch, follow logs) use chunked encoding."""

    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes: without TCP_NODELAY, Nagle plus delayed
    # ACKs add ~40 ms to every keep-alive request
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Response(413, b'{"kind":"Status","code":413}'))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        req = Request(self.command, split.path or "/", query, self.headers, body)
        try:
            result = self.server.api.handle(req)
        except ApiError as exc:
            result = _json(exc.code, exc.status(), exc.headers)
        except Exception as exc:
            error = ApiError(500, f"internal error: {type(exc).__name__}: {exc}")
            result = _json(500, error.status())
            self.server.errors.append(exc)
        if isinstance(result, Response):
            self._send(result)
        else:
            try:
                result(self)
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True

    def _send(self, resp: Response) -> None:
        self.send_response(resp.code)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-cache, private")
        for key, value in resp.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    def begin_stream(self, code: int, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        if not data:
            return
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: Api) -> None:
        super().__init__(address, ApiHandler)
        self.api = api
        self.errors: list[BaseException] = []
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conn_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
