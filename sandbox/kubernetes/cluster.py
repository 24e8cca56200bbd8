"""`SandboxCluster`: the public face of the simulated Kubernetes cluster (server + controllers)."""

from __future__ import annotations

import builtins
import threading
from dataclasses import dataclass, field
from typing import Any

import yaml

from sandbox.kubernetes import kinds
from sandbox.kubernetes.clock import Clock, ManualClock, SystemClock
from sandbox.kubernetes.controllers.base import Context, Controller, SimulationConfig
from sandbox.kubernetes.controllers.deployments import DeploymentController
from sandbox.kubernetes.controllers.jobs import JobController
from sandbox.kubernetes.controllers.kubelet import Kubelet
from sandbox.kubernetes.controllers.lifecycle import (
    EventExpiry,
    GarbageCollector,
    NamespaceController,
)
from sandbox.kubernetes.controllers.networking import EndpointsController, LoadBalancerController
from sandbox.kubernetes.controllers.replicasets import ReplicaSetController
from sandbox.kubernetes.controllers.sets import DaemonSetController, StatefulSetController
from sandbox.kubernetes.faults import FaultInjector
from sandbox.kubernetes.registry import Registry
from sandbox.kubernetes.server import Api, SandboxHTTPServer
from sandbox.kubernetes.store import Obj, Store

MAX_PASSES = 50


@dataclass
class AuthConfig:
    token: str | None = None
    forbidden: set[str] = field(default_factory=set)


class SandboxCluster:
    """A simulated Kubernetes cluster: an API server on a local port plus controllers.

    State is in memory and lost on stop. Controllers run on a background thread that
    reacts to every write and to simulated-time deadlines; with a `ManualClock`, time only
    moves through `advance()`, so tests can drive rollouts step by step.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        pod_ready_seconds: float = 1.0,
        pod_terminate_seconds: float = 0.0,
        image_pull_backoff_seconds: float = 5.0,
        restart_backoff_seconds: float = 10.0,
        load_balancer_seconds: float = 0.0,
        nodes: int = 1,
        token: str | None = None,
        forbidden_tokens: tuple[str, ...] = (),
        tick_interval: float = 0.02,
        auto_tick: bool = True,
        create_namespaces: bool = False,
    ) -> None:
        """`create_namespaces`: creating an object in a namespace that does not exist creates
        the namespace first (a convenience of the demo cluster, so pipelines exported from
        elsewhere run unchanged); off, such a create is 404 as on a real cluster."""
        self.clock: Clock = clock or SystemClock()
        self.config = SimulationConfig(
            pod_ready_seconds=pod_ready_seconds,
            pod_terminate_seconds=pod_terminate_seconds,
            image_pull_backoff_seconds=image_pull_backoff_seconds,
            restart_backoff_seconds=restart_backoff_seconds,
            load_balancer_seconds=load_balancer_seconds,
            nodes=nodes,
        )
        self.auth = AuthConfig(token=token, forbidden=set(forbidden_tokens))
        self.faults = FaultInjector()
        self.store = Store()
        self.registry = Registry(self.store, self.clock, create_namespaces=create_namespaces)
        self.kubelet = Kubelet()
        self.controllers: list[Controller] = [
            NamespaceController(),
            DeploymentController(),
            ReplicaSetController(),
            StatefulSetController(),
            DaemonSetController(),
            JobController(),
            self.kubelet,
            EndpointsController(),
            LoadBalancerController(),
            GarbageCollector(),
            EventExpiry(),
        ]
        self.ctx = Context(self.registry, self.clock, self.config)
        self.tick_interval = tick_interval
        self.auto_tick = auto_tick
        self.host = "127.0.0.1"
        self.port = 0
        self._http: SandboxHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._tick_lock = threading.RLock()
        self._seen_rv = -1
        self._seed()

    # setup -------------------------------------------------------------------------------

    def _seed(self) -> None:
        for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.registry.create(kinds.NAMESPACES, "", {"metadata": {"name": name}})
        for index in range(self.config.nodes):
            self.add_node(f"sandbox-node-{index + 1}")
        self.tick()

    def add_node(self, name: str) -> Obj:
        """Register a simulated node (Ready, schedulable) that pods and DaemonSets use."""
        count = self.store.count(kinds.NODES.key)
        ip = f"10.0.0.{count + 2}"
        now = self.registry.now()
        ready = {
            "type": "Ready",
            "status": "True",
            "lastHeartbeatTime": now,
            "lastTransitionTime": now,
            "reason": "KubeletReady",
            "message": "kubelet is posting ready status",
        }
        node = {
            "metadata": {
                "name": name,
                "labels": {
                    "kubernetes.io/hostname": name,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                },
            },
            "spec": {"podCIDR": f"10.244.{count}.0/24", "podCIDRs": [f"10.244.{count}.0/24"]},
            "status": {
                "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                "conditions": [ready],
                "addresses": [
                    {"type": "InternalIP", "address": ip},
                    {"type": "Hostname", "address": name},
                ],
                "nodeInfo": {
                    "kubeletVersion": "v1.32.4",
                    "kubeProxyVersion": "v1.32.4",
                    "operatingSystem": "linux",
                    "architecture": "amd64",
                    "containerRuntimeVersion": "containerd://1.7.24",
                    "osImage": "Sandbox Linux",
                    "kernelVersion": "6.1.0",
                    "machineID": "",
                    "systemUUID": "",
                    "bootID": "",
                },
            },
        }
        return self.registry.create(kinds.NODES, "", node)

    # lifecycle ---------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> SandboxCluster:
        """Serve the API on host:port (0 picks a free port) and start the controller loop."""
        if self._http is not None:
            return self
        self._http = SandboxHTTPServer((host, port), Api(self))
        self.host = host
        self.port = self._http.server_address[1]
        self._stop.clear()
        serve = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sandbox-k8s-http",
            daemon=True,
        )
        serve.start()
        self._threads = [serve]
        if self.auto_tick:
            loop = threading.Thread(target=self._loop, name="sandbox-k8s-controllers", daemon=True)
            loop.start()
            self._threads.append(loop)
        return self

    def stop(self) -> None:
        self._stop.set()
        self.store.close()
        if self._http is not None:
            self._http.shutdown()
            self._http.close_connections()
            self._http.server_close()
            self._http = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self.store.closed = False

    def __enter__(self) -> SandboxCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def server_address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def errors(self) -> builtins.list[BaseException]:
        """Unexpected exceptions raised while serving requests (answered with 500)."""
        return self._http.errors if self._http is not None else []

    # simulation --------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            due = self.ctx.next_wake is not None and self.clock.now() >= self.ctx.next_wake
            if self.store.rv != self._seen_rv or due:
                self.tick()
            with self.store.lock:
                if self.store.rv == self._seen_rv and not self._stop.is_set():
                    self.store.changed.wait(self.tick_interval)

    def tick(self) -> None:
        """Run every controller until nothing changes (bounded), at the clock's current time."""
        with self._tick_lock, self.store.lock:
            for _ in range(MAX_PASSES):
                before = self.store.rv
                self.ctx.begin()
                self.ctx.next_wake = None
                for controller in self.controllers:
                    controller.reconcile(self.ctx)
                if self.store.rv == before:
                    break
            self._seen_rv = self.store.rv

    def advance(self, seconds: float) -> None:
        """Move a ManualClock forward, stopping at every deadline the controllers asked for."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock")
        target = self.clock.now() + seconds
        self.tick()
        for _ in range(10_000):
            wake = self.ctx.next_wake
            if wake is None or wake > target:
                break
            self.clock.set(wake)
            self.tick()
        self.clock.set(target)
        self.tick()

    def pod_logs(
        self, pod: Obj, container: str, *, previous: bool = False
    ) -> builtins.list[tuple[float, str]]:
        with self.store.lock:
            self.ctx.begin()
            return self.kubelet.logs(self.ctx, pod, container, previous=previous)

    # client configuration ----------------------------------------------------------------

    def kubeconfig(self, context: str = "sandbox", *, token: str | None = None) -> str:
        """A kubeconfig (YAML) for kubectl and `kubernetes.config.load_kube_config`."""
        user: dict[str, Any] = {}
        chosen = token if token is not None else self.auth.token
        if chosen:
            user["token"] = chosen
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": f"{context}-user", "user": user}],
            "contexts": [
                {
                    "name": context,
                    "context": {
                        "cluster": context,
                        "user": f"{context}-user",
                        "namespace": "default",
                    },
                }
            ],
            "current-context": context,
            "preferences": {},
        }
        return yaml.safe_dump(config, sort_keys=False)

    # conveniences for tests --------------------------------------------------------------

    def get(self, kind: str, name: str, namespace: str = "default") -> Obj | None:
        """Read an object by kind (`Deployment`, `pods`, `deploy`...) without going over HTTP."""
        rtype = resolve_kind(kind)
        return self.store.get(rtype.key, namespace if rtype.namespaced else "", name)

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[Obj]:
        rtype = resolve_kind(kind)
        return self.store.list(rtype.key, namespace if rtype.namespaced else None)


def resolve_kind(kind: str) -> kinds.ResourceType:
    lowered = kind.lower()
    for rtype in kinds.RESOURCES:
        if lowered in (rtype.kind.lower(), rtype.plural, rtype.singular, *rtype.short_names):
            return rtype
    raise KeyError(kind)
