"""Fixtures: a sandbox cloud and an in-memory engine sharing one pinned clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.tencentcloud import SandboxTencentCloud
from tests.apps.tencentcloud.harness import Harness, SharedClock


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK sends plain-HTTP calls through HTTP_PROXY when one is set.
    for name in (
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> SharedClock:
    return SharedClock()


@pytest.fixture
def cloud(clock: SharedClock) -> Iterator[SandboxTencentCloud]:
    sandbox = SandboxTencentCloud(
        clock=clock, launch_seconds=20, health_seconds=10, terminate_seconds=5, seed=11
    )
    sandbox.start(autotick=False)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def harness(cloud: SandboxTencentCloud, clock: SharedClock) -> Harness:
    return Harness(cloud, clock)
