"""Automatic triggers: webhooks, git, docker, pipeline and cron, with a delivery log."""
