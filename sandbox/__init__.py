"""Standalone simulators of the infrastructure the platform deploys to."""
