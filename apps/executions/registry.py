"""The platform's stage-type registry: the engine's general types plus every provider's.

Providers (Kubernetes, Tencent Cloud) register their builders in `_register_providers`;
config validation asks `is_runnable_stage_type`.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from apps.core.conf import platform_settings
from engine.expression_adapter import PipelineExpressions
from engine.model import Execution
from engine.outbound import OutboundClient, OutboundPolicy
from engine.stages.builtin import builtin_registry
from engine.stages.registry import StageTypeRegistry
from engine.status import Status


class WallClock:
    """Epoch milliseconds from the system clock (the engine's Clock port)."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FreshReads:
    """The repository port for stage builders (which live as long as the process): every
    call reads through a new repository, on the calling thread's database connection, so
    nothing read earlier is ever served stale."""

    @staticmethod
    def _repository() -> Any:
        from apps.executions.adapters.repository import DjangoExecutionRepository

        return DjangoExecutionRepository()

    def retrieve(self, execution_id: str) -> Execution:
        return self._repository().retrieve(execution_id)

    def retrieve_latest_for_pipeline(
        self, pipeline_config_id: str, *, statuses: Collection[Status] | None = None
    ) -> Execution | None:
        return self._repository().retrieve_latest_for_pipeline(
            pipeline_config_id, statuses=statuses
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repository(), name)


def outbound_client() -> OutboundClient:
    return OutboundClient(
        policy=OutboundPolicy.from_settings(
            allow=platform_settings.OUTBOUND_URL_ALLOW, deny=platform_settings.OUTBOUND_URL_DENY
        )
    )


def _register_providers(registry: StageTypeRegistry, clock: WallClock) -> None:
    """Each provider adds its stage types here (one line per provider)."""
    from apps.kubernetes.accounts import engine_connection as kubernetes_connection
    from apps.kubernetes.stages import register as register_kubernetes
    from apps.tencentcloud.accounts import engine_connection as tencent_connection
    from apps.tencentcloud.stages import register as register_tencentcloud

    register_kubernetes(
        registry, connections=kubernetes_connection, clock=clock, expressions=pipeline_expressions()
    )
    register_tencentcloud(registry, connections=tencent_connection, clock=clock)


CLOCK = WallClock()


@lru_cache(maxsize=1)
def pipeline_expressions() -> PipelineExpressions:
    """The expression processor of this process (URL helpers only when enabled)."""
    outbound = outbound_client() if platform_settings.EXPRESSION_URL_FUNCTIONS else None
    return PipelineExpressions(clock=CLOCK, outbound=outbound)


@lru_cache(maxsize=1)
def stage_registry() -> StageTypeRegistry:
    from apps.executions.adapters.launcher import DjangoPipelineLauncher
    from apps.executions.runtime import notify_transport

    clock = CLOCK
    registry = builtin_registry(
        clock=clock,
        expressions=pipeline_expressions(),
        repository=FreshReads(),
        pipeline_launcher=DjangoPipelineLauncher(clock=clock, notify=notify_transport),
        outbound=outbound_client(),
    )
    _register_providers(registry, clock)
    return registry


def is_runnable_stage_type(stage_type: str) -> bool:
    return stage_registry().has(stage_type)


def runnable_stage_types() -> list[str]:
    return stage_registry().types()
