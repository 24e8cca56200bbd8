"""SandboxTencentCloud: the simulated Auto Scaling + CLB API, its clock, faults and seeds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from sandbox.tencentcloud import autoscaling, clb, seeding
from sandbox.tencentcloud.clock import Clock, ManualClock, SystemClock
from sandbox.tencentcloud.faults import FaultInjector
from sandbox.tencentcloud.gateway import CallRecord, Gateway
from sandbox.tencentcloud.model import Instance
from sandbox.tencentcloud.server import HttpFront
from sandbox.tencentcloud.signing import DEFAULT_WINDOW_SECONDS
from sandbox.tencentcloud.simulation import run_until
from sandbox.tencentcloud.world import Timings, World

# Demo credentials: SecretId is `AKID` + 32 characters and SecretKey 32, like real keys.
DEFAULT_SECRET_ID = "AKIDsandbox0000000000000000000000000"  # noqa: S105 - public demo key
DEFAULT_SECRET_KEY = "sandboxsecretkey0000000000000000"  # noqa: S105 - public demo key


class SandboxTencentCloud:
    """A Tencent Cloud API 3.0 server for Auto Scaling (2018-04-19) and CLB (2018-03-17).

    State lives in memory and is lost on stop. With a `ManualClock`, time only moves through
    `advance()`; with the default `SystemClock` a background thread ticks the simulation.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        accounts: Mapping[str, str] | None = None,
        regions: Iterable[str] | Mapping[str, list[str]] | None = None,
        launch_seconds: float = 30.0,
        health_seconds: float = 30.0,
        terminate_seconds: float = 10.0,
        seed: int | None = None,
        seed_defaults: bool = True,
        signature_window_seconds: int = DEFAULT_WINDOW_SECONDS,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.accounts: dict[str, str] = dict(
            accounts if accounts is not None else {DEFAULT_SECRET_ID: DEFAULT_SECRET_KEY}
        )
        region_zones = _region_zones(regions)
        self.world = World(
            regions=region_zones,
            timings=Timings(launch_seconds, health_seconds, terminate_seconds),
            seed=seed,
        )
        self.world.now = self.clock.now()
        self.faults = FaultInjector()
        self.gateway = Gateway(
            world=self.world,
            clock=self.clock,
            services={s.name: s for s in (autoscaling.SERVICE, clb.SERVICE)},
            accounts=self.accounts,
            faults=self.faults,
            wall_clock=wall_clock,
            signature_window_seconds=signature_window_seconds,
        )
        if seed_defaults:
            seeding.seed_defaults(self.world)
        self._front: HttpFront | None = None
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()

    # --- lifecycle ----------------------------------------------------------------------

    def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        autotick: bool | None = None,
        tick_interval: float = 0.2,
    ) -> SandboxTencentCloud:
        """Serve on host:port (0 = any free port) from a background thread.

        `autotick` (default: on unless the clock is a ManualClock) also runs a thread that
        applies due transitions every `tick_interval` real seconds. Every API call catches
        the simulation up to the clock first, so ticking only matters to Python-side readers."""
        if self._front is not None:
            raise RuntimeError("already started")
        self._front = HttpFront(self.gateway, host, port)
        self._front.start()
        if autotick is None:
            autotick = not isinstance(self.clock, ManualClock)
        if autotick:
            self._stopping.clear()
            self._ticker = threading.Thread(
                target=self._tick_loop,
                args=(tick_interval,),
                name="sandbox-tencentcloud-tick",
                daemon=True,
            )
            self._ticker.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        if self._front is not None:
            self._front.stop()
            self._front = None

    def __enter__(self) -> SandboxTencentCloud:
        return self.start() if self._front is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _tick_loop(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            self.tick()

    # --- where to connect ---------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        if self._front is None:
            raise RuntimeError("not started")
        return self._front.address

    @property
    def endpoint(self) -> str:
        """`host:port`, what `HttpProfile(endpoint=...)` takes (with `protocol="http"`)."""
        host, port = self.address
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def regions(self) -> list[str]:
        return list(self.world.regions)

    @property
    def credentials(self) -> tuple[str, str]:
        """The first account's (SecretId, SecretKey)."""
        return next(iter(self.accounts.items()))

    def add_account(self, secret_id: str, secret_key: str) -> None:
        self.accounts[secret_id] = secret_key

    def client_profile(self, **http_options: Any) -> Any:
        """A `tencentcloud` ClientProfile pointing at this server (imports the SDK lazily)."""
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile

        http_profile = HttpProfile(protocol="http", endpoint=self.endpoint, **http_options)
        return ClientProfile(httpProfile=http_profile)

    # --- time ---------------------------------------------------------------------------

    def tick(self) -> None:
        """Apply every transition due at the clock's current time."""
        run_until(self.world, self.clock.now())

    def advance(self, seconds: float) -> None:
        """Move a ManualClock forward and replay everything due on the way, in order."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock; a SystemClock moves by itself")
        with self.world.lock:
            self.clock.advance(seconds)
            run_until(self.world, self.clock.now())

    # --- faults -------------------------------------------------------------------------

    def inject(
        self,
        action: str,
        error: str | int,
        times: int = 1,
        *,
        message: str | None = None,
        service: str | None = None,
    ) -> None:
        """Fail the next `times` calls of `action` ("*" for any): an API error code such as
        `RequestLimitExceeded` or `InternalError` (HTTP 200 + Response.Error), or an HTTP
        status such as 502 (a non-JSON reply the SDK reports as ServerNetworkError)."""
        self.faults.add(action, error, times=times, message=message, service=service)

    def clear_faults(self) -> None:
        self.faults.clear()

    # --- seeding ------------------------------------------------------------------------

    def add_vpc(
        self,
        vpc_id: str,
        *,
        cidr: str = "10.0.0.0/16",
        name: str = "",
        regions: Iterable[str] | None = None,
    ) -> str:
        return seeding.add_vpc(self.world, vpc_id, name=name, cidr=cidr, regions=regions)

    def add_subnet(
        self,
        subnet_id: str,
        *,
        vpc_id: str,
        cidr: str,
        zone_index: int = 0,
        name: str = "",
        regions: Iterable[str] | None = None,
    ) -> str:
        return seeding.add_subnet(
            self.world,
            subnet_id,
            vpc_id=vpc_id,
            cidr=cidr,
            zone_index=zone_index,
            name=name,
            regions=regions,
        )

    def add_security_group(
        self, security_group_id: str, *, name: str = "", regions: Iterable[str] | None = None
    ) -> str:
        return seeding.add_security_group(self.world, security_group_id, name=name, regions=regions)

    def add_image(
        self, image_id: str, *, name: str = "", regions: Iterable[str] | None = None
    ) -> str:
        return seeding.add_image(self.world, image_id, name=name, regions=regions)

    def add_load_balancer(
        self,
        *,
        region: str | None = None,
        load_balancer_id: str | None = None,
        name: str = "",
        vpc_id: str = seeding.DEFAULT_VPC,
        lb_type: str = "OPEN",
        tags: dict[str, str] | None = None,
    ) -> str:
        return seeding.add_load_balancer(
            self.world,
            region or self.regions[0],
            load_balancer_id=load_balancer_id,
            name=name,
            vpc_id=vpc_id,
            lb_type=lb_type,
            tags=tags,
        )

    def add_listener(
        self,
        load_balancer_id: str,
        *,
        protocol: str,
        port: int,
        region: str | None = None,
        listener_id: str | None = None,
        name: str = "",
    ) -> str:
        return seeding.add_listener(
            self.world,
            region or self.regions[0],
            load_balancer_id,
            protocol=protocol,
            port=port,
            listener_id=listener_id,
            name=name,
        )

    def add_rule(
        self,
        load_balancer_id: str,
        listener_id: str,
        *,
        domain: str,
        url: str = "/",
        region: str | None = None,
        location_id: str | None = None,
    ) -> str:
        return seeding.add_rule(
            self.world,
            region or self.regions[0],
            load_balancer_id,
            listener_id,
            domain=domain,
            url=url,
            location_id=location_id,
        )

    # --- inspection ---------------------------------------------------------------------

    def instance(self, instance_id: str) -> dict[str, Any] | None:
        """What the AS API does not show about an instance (its image, IP, health)."""
        with self.world.lock:
            found: Instance | None = self.world.find_instance(instance_id)
            if found is None:
                return None
            return {
                "InstanceId": found.instance_id,
                "Region": found.region,
                "AutoScalingGroupId": found.group_id,
                "ImageId": found.image_id,
                "PrivateIpAddress": found.private_ip,
                "LifeCycleState": found.state,
                "Health": found.health,
                "Resetting": found.resetting,
            }

    def calls(self, action: str | None = None) -> list[CallRecord]:
        """The recent API calls (newest last), optionally only those of one action."""
        return [c for c in list(self.gateway.calls) if action is None or c.action == action]


def _region_zones(regions: Iterable[str] | Mapping[str, list[str]] | None) -> dict[str, list[str]]:
    if regions is None:
        regions = seeding.DEFAULT_REGIONS
    if isinstance(regions, Mapping):
        return {name: list(zones) for name, zones in regions.items()}
    return {name: seeding.zones_for(name) for name in regions}
