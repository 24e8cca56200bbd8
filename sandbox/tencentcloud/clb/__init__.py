"""CLB (`clb`, 2018-03-17): load balancers, listeners, rules and their backends."""

from __future__ import annotations

from sandbox.tencentcloud.clb import (  # noqa: F401 - importing registers the actions
    listeners,
    load_balancers,
    targets,
)
from sandbox.tencentcloud.clb.service import SERVICE

__all__ = ["SERVICE"]
