"""A simulated Tencent Cloud API 3.0 server (Auto Scaling + CLB) for the official SDK."""

from __future__ import annotations

from sandbox.tencentcloud.clock import Clock, ManualClock, SystemClock
from sandbox.tencentcloud.gateway import CallRecord
from sandbox.tencentcloud.sandbox import (
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    SandboxTencentCloud,
)
from sandbox.tencentcloud.seeding import (
    DEFAULT_HTTP_LISTENER,
    DEFAULT_IMAGES,
    DEFAULT_LOAD_BALANCER,
    DEFAULT_LOCATION,
    DEFAULT_REGIONS,
    DEFAULT_SECURITY_GROUP,
    DEFAULT_SUBNETS,
    DEFAULT_TCP_LISTENER,
    DEFAULT_VPC,
)

__all__ = [
    "DEFAULT_HTTP_LISTENER",
    "DEFAULT_IMAGES",
    "DEFAULT_LOAD_BALANCER",
    "DEFAULT_LOCATION",
    "DEFAULT_REGIONS",
    "DEFAULT_SECRET_ID",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_SECURITY_GROUP",
    "DEFAULT_SUBNETS",
    "DEFAULT_TCP_LISTENER",
    "DEFAULT_VPC",
    "CallRecord",
    "Clock",
    "ManualClock",
    "SandboxTencentCloud",
    "SystemClock",
]
