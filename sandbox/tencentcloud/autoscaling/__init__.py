"""Auto Scaling (`as`, 2018-04-19): launch configurations, groups, activities, LBs, refresh."""

from __future__ import annotations

from sandbox.tencentcloud.autoscaling import (  # noqa: F401 - importing registers the actions
    activities,
    groups,
    instances,
    launch_configurations,
    load_balancers,
    refresh,
)
from sandbox.tencentcloud.autoscaling.service import SERVICE

__all__ = ["SERVICE"]
