"""Serving for real: wall-clock time with the ticking thread, and the command-line entry point."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tencentcloud.autoscaling.v20180419 import models
from tencentcloud.autoscaling.v20180419.autoscaling_client import AutoscalingClient
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from sandbox.tencentcloud import SandboxTencentCloud
from tests.sandbox.tencentcloud.calls import create_group, create_lc, instances, make_as

ROOT = Path(__file__).resolve().parents[3]


def test_wall_clock_mode_ticks_by_itself() -> None:
    with SandboxTencentCloud(
        launch_seconds=0.05, health_seconds=0.05, terminate_seconds=0.05
    ) as cloud:
        asapi = make_as(cloud)
        group_id = create_group(asapi, create_lc(asapi), desired=1)
        (instance_id,) = [i["InstanceId"] for i in instances(asapi, group_id)]
        # No API call from here on: only the ticking thread can move the instance along.
        deadline = time.monotonic() + 10
        while cloud.instance(instance_id)["Health"] != "OK" and time.monotonic() < deadline:  # type: ignore[index]
            time.sleep(0.02)
        assert cloud.instance(instance_id)["Health"] == "OK"  # type: ignore[index]
        assert instances(asapi, group_id)[0]["HealthStatus"] == "HEALTHY"


def test_command_line_prints_credentials_and_serves_until_terminated() -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox.tencentcloud",
            "--port",
            "0",
            "--region",
            "ap-guangzhou",
            "--secret-id",
            "AKIDcli00000000000000000000000000000",
            "--secret-key",
            "cli-secret",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        printed = {}
        while len(printed) < 5:
            key, _, value = lines.get(timeout=20).partition(":")
            printed[key.strip()] = value.strip()
        endpoint = printed["endpoint"].split()[0]
        assert printed["SecretId"] == "AKIDcli00000000000000000000000000000"
        assert printed["SecretKey"] == "cli-secret"
        assert printed["regions"] == "ap-guangzhou"
        client = AutoscalingClient(
            credential.Credential("AKIDcli00000000000000000000000000000", "cli-secret"),
            "ap-guangzhou",
            ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint)),
        )
        reply = client.DescribeAutoScalingGroups(models.DescribeAutoScalingGroupsRequest())
        assert reply.TotalCount == 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
