"""All simulated state behind one lock: the regions, the timings and the simulated now."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.ids import IdFactory
from sandbox.tencentcloud.model import Instance, LoadBalancer, RegionState


@dataclass(frozen=True)
class Timings:
    """How long simulated things take, in (simulated) seconds."""

    launch_seconds: float = 30.0  # CREATING -> IN_SERVICE, and an instance refresh re-install
    health_seconds: float = 30.0  # IN_SERVICE -> health check passed (or failed, for `*broken`)
    terminate_seconds: float = 10.0  # TERMINATING / DETACHING -> gone


class World:
    """The whole simulated account. Every read or write happens under `lock`."""

    def __init__(
        self, *, regions: dict[str, list[str]], timings: Timings, seed: int | None
    ) -> None:
        self.regions = {
            name: RegionState(name=name, zones=zones) for name, zones in regions.items()
        }
        self.timings = timings
        self.rng = random.Random(seed)  # noqa: S311 - ids need uniqueness, not secrecy
        self.ids = IdFactory(self.rng)
        self.lock = threading.RLock()
        self.now = 0.0
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def region(self, name: str | None) -> RegionState:
        if not name:
            raise ApiError(
                "MissingParameter", "The request is missing a required parameter `Region`."
            )
        state = self.regions.get(name)
        if state is None:
            raise ApiError("UnsupportedRegion", f"The region `{name}` is not supported.")
        return state

    def find_instance(self, instance_id: str) -> Instance | None:
        for state in self.regions.values():
            instance = state.instances.get(instance_id)
            if instance is not None:
                return instance
        return None

    def load_balancer(self, region: str, load_balancer_id: str) -> LoadBalancer | None:
        state = self.regions.get(region)
        return None if state is None else state.load_balancers.get(load_balancer_id)
