"""`manage.py sandbox_tencentcloud` serves the sandbox and prints how to reach it."""

from __future__ import annotations

import threading

import pytest

from apps.tencentcloud.management.commands.sandbox_tencentcloud import Command


def test_the_command_starts_the_sandbox_and_prints_endpoint_and_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stop = threading.Event()
    stop.set()  # serve, print, and return at once

    Command().handle(
        host="127.0.0.1",
        port=0,
        regions=["ap-guangzhou"],
        launch_seconds=1.0,
        health_seconds=1.0,
        terminate_seconds=1.0,
        stop=stop,
    )

    out = capsys.readouterr().out
    assert "endpoint:   127.0.0.1:" in out
    assert "SecretId:" in out
    assert "regions:    ap-guangzhou" in out
