"""A simulated Kubernetes API server with controllers, for demos and tests."""

from sandbox.kubernetes.clock import Clock, ManualClock, SystemClock
from sandbox.kubernetes.cluster import SandboxCluster

__all__ = ["Clock", "ManualClock", "SandboxCluster", "SystemClock"]
