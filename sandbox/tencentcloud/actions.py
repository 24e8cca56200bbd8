"""How an action is declared and what its handler receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.tencentcloud.model import RegionState
from sandbox.tencentcloud.params import Params
from sandbox.tencentcloud.world import World


@dataclass(frozen=True)
class ActionContext:
    world: World
    region: RegionState
    request_id: str

    @property
    def now(self) -> float:
        return self.world.now


# A handler reads and checks every parameter, calls `p.finish()` (unknown parameters are
# refused), and only then changes state, so a refused call never leaves a half-done write.
# It returns the response fields; the gateway adds `RequestId`.
Handler = Callable[[ActionContext, Params], dict[str, Any]]


class Service:
    """One product's API: its service name (the credential scope), version and actions."""

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version
        self.actions: dict[str, Handler] = {}

    def action(self, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.actions[name] = handler
            return handler

        return register
