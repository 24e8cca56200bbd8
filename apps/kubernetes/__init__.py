"""Kubernetes: connecting to clusters through the official client, and the manifest stages."""
