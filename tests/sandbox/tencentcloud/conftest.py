"""Fixtures: a sandbox on a pinned clock, and the official SDK clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.tencentcloud import ManualClock, SandboxTencentCloud
from tests.sandbox.tencentcloud.calls import HEALTH, LAUNCH, TERMINATE, Api, make_as, make_clb


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK routes plain-HTTP calls through HTTP_PROXY when one is set.
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
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cloud(clock: ManualClock) -> Iterator[SandboxTencentCloud]:
    sandbox = SandboxTencentCloud(
        clock=clock,
        launch_seconds=LAUNCH,
        health_seconds=HEALTH,
        terminate_seconds=TERMINATE,
        seed=7,
    )
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def asapi(cloud: SandboxTencentCloud) -> Api:
    return make_as(cloud)


@pytest.fixture
def clbapi(cloud: SandboxTencentCloud) -> Api:
    return make_clb(cloud)
