"""The CLB product (`clb`, version 2018-03-17) that its action modules register into."""

from __future__ import annotations

from sandbox.tencentcloud.actions import Service

SERVICE = Service("clb", "2018-03-17")
