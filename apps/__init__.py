"""Domain apps of cdplatform, one Django app per domain."""
