"""Writes for executions: launching runs (launch) and user operations on them (operations)."""
