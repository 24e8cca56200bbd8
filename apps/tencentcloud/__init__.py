"""Tencent Cloud: auto-scaling groups as server groups, through the official SDK."""
