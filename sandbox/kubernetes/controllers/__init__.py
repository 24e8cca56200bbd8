"""Simulated controllers (kubelet, workload controllers, endpoints, garbage collector)."""
