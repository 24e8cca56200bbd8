"""Benchmarks: `python -m bench <name>` (numbers for the README and closing notes, not tests)."""
