"""The platform's stage-type registry: the engine's built-in types plus every provider's.

Providers (Kubernetes, Tencent Cloud, the general webhook/pipeline stages) register their
builders in `_register_providers`; config validation asks `is_runnable_stage_type`.
"""

from __future__ import annotations

import time
from functools import lru_cache

from engine.expression_adapter import PipelineExpressions
from engine.stages.builtin import builtin_registry
from engine.stages.registry import StageTypeRegistry


class WallClock:
    """Epoch milliseconds from the system clock (the engine's Clock port)."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


def _register_providers(registry: StageTypeRegistry) -> None:
    """Each provider adds its stage types here (one line per provider)."""
    from apps.kubernetes.accounts import engine_connection as kubernetes_connection
    from apps.kubernetes.stages import register as register_kubernetes
    from apps.tencentcloud.accounts import engine_connection
    from apps.tencentcloud.stages import register as register_tencentcloud

    register_kubernetes(registry, connections=kubernetes_connection, clock=WallClock())
    register_tencentcloud(registry, connections=engine_connection, clock=WallClock())


@lru_cache(maxsize=1)
def stage_registry() -> StageTypeRegistry:
    clock = WallClock()
    registry = builtin_registry(clock=clock, expressions=PipelineExpressions(clock=clock))
    _register_providers(registry)
    return registry


def is_runnable_stage_type(stage_type: str) -> bool:
    return stage_registry().has(stage_type)


def runnable_stage_types() -> list[str]:
    return stage_registry().types()
