"""The Auto Scaling product (`as`, version 2018-04-19) that its action modules register into."""

from __future__ import annotations

from sandbox.tencentcloud.actions import Service

SERVICE = Service("as", "2018-04-19")
